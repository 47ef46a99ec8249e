import type { ChartPoint } from '../../../domain/charts.ts'
import { type DatasetField, parseReturn, type ReturnValues } from '../../returns/index.ts'

type ReturnValue = ReturnValues[string]

// A survey's questions use the returns' field types and validation (a whole number, yes or no, one of
// some choices, text), asked one per page. Pure: no I/O, today's date passed in.

export type SurveyQuestion = Pick<
  DatasetField,
  'key' | 'label' | 'hint' | 'type' | 'required' | 'max' | 'choices'
>
export type SurveyAnswers = Record<string, ReturnValue>

const kinds: Record<string, SurveyQuestion['type']> = {
  number: 'whole-number',
  'yes-no': 'yes-no',
  choice: 'choice',
  text: 'text',
}

// Questions as an officer types them, one a line: "yes-no: Do you have enough aprons?",
// "number: How many staff are off sick?", "choice: What do you need most? | PPE | Staff | Testing",
// "text: Anything else?". A "?" after the kind ("text?:") makes it optional.
export function parseQuestions(lines: string): { questions: SurveyQuestion[] } | { error: string } {
  const questions: SurveyQuestion[] = []
  const rows = lines
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  if (rows.length === 0) return { error: 'Enter at least one question' }
  if (rows.length > 30) return { error: 'A survey can have up to 30 questions' }
  for (const [i, row] of rows.entries()) {
    const match = /^([a-z-]+)(\??)\s*:\s*(.+)$/i.exec(row)
    const type = match ? kinds[match[1]!.toLowerCase()] : undefined
    if (!match || !type)
      return { error: `Question ${i + 1} must start with number:, yes-no:, choice: or text:` }
    const [label, ...choices] = match[3]!.split('|').map((p) => p.trim())
    if (!label || label.length > 300) return { error: `Question ${i + 1} must be 1 to 300 characters` }
    if (type === 'choice' && choices.filter(Boolean).length < 2)
      return { error: `Question ${i + 1} must give at least 2 choices, separated by |` }
    questions.push({
      key: `q${i + 1}`,
      label,
      type,
      required: match[2] !== '?',
      ...(type === 'text' ? { max: 2000 } : {}),
      ...(type === 'whole-number' ? { max: 1_000_000 } : {}),
      ...(type === 'choice'
        ? { choices: choices.filter(Boolean).map((c, n) => ({ value: `c${n + 1}`, label: c })) }
        : {}),
    })
  }
  return { questions }
}

// One question's answer as typed, checked as a return's field is (the same words for the same mistakes).
export function checkAnswer(
  question: SurveyQuestion,
  raw: unknown,
): { ok: true; value: ReturnValue } | { ok: false; message: string } {
  const blank = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')
  if (blank && question.required)
    return {
      ok: false,
      message:
        question.type === 'whole-number' || question.type === 'text' ? 'Enter an answer' : 'Select an answer',
    }
  // A return's messages, each naming the question as asked.
  const field: DatasetField = { ...question, appliesTo: 'all', errorWords: { name: question.label } }
  const definition = { version: 0, sections: [{ key: 'survey', title: '', fields: [field] }], rules: [] }
  const result = parseReturn(definition, 'other', { [question.key]: raw })
  if (!result.ok) return { ok: false, message: result.errors[0]!.message }
  return { ok: true, value: result.values[question.key] ?? null }
}

export function isOpen(survey: { opensOn: string; closesOn: string }, today: string): boolean {
  return survey.opensOn <= today && today <= survey.closesOn
}

// Responses from providers in the audience over the audience: never above 100 %.
export function responseRate(responded: number, audience: number): number {
  if (audience <= 0) return 0
  return Math.min(100, Math.round((Math.min(responded, audience) / audience) * 1000) / 10)
}

export type QuestionResult =
  | { question: SurveyQuestion; kind: 'counts'; points: ChartPoint[]; answered: number }
  | { question: SurveyQuestion; kind: 'numbers'; answered: number; total: number; points: ChartPoint[] }
  | { question: SurveyQuestion; kind: 'text'; answers: string[] }

// Each question's results from the submitted answers: counts per answer for yes/no and choices, a
// spread in bands for numbers, and every free-text answer listed.
export function resultsOf(
  questions: readonly SurveyQuestion[],
  responses: readonly SurveyAnswers[],
): QuestionResult[] {
  return questions.map((question): QuestionResult => {
    const given = responses.map((r) => r[question.key]).filter((v) => v !== null && v !== undefined)
    if (question.type === 'text') return { question, kind: 'text', answers: given.map(String) }
    if (question.type === 'whole-number') {
      const values = given.map(Number)
      const bands: [string, (n: number) => boolean][] = [
        ['0', (n) => n === 0],
        ['1 to 4', (n) => n >= 1 && n <= 4],
        ['5 to 9', (n) => n >= 5 && n <= 9],
        ['10 to 24', (n) => n >= 10 && n <= 24],
        ['25 or more', (n) => n >= 25],
      ]
      return {
        question,
        kind: 'numbers',
        answered: values.length,
        total: values.reduce((a, b) => a + b, 0),
        points: bands.map(([label, test]) => ({ label, value: values.filter(test).length })),
      }
    }
    const options =
      question.type === 'yes-no'
        ? [
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]
        : (question.choices ?? [])
    const chosen = given.flatMap((v) => String(v).split(','))
    return {
      question,
      kind: 'counts',
      answered: given.length,
      points: options.map((o) => ({ label: o.label, value: chosen.filter((c) => c === o.value).length })),
    }
  })
}

// An answer in words, for the check page and the export.
export function answerInWords(question: SurveyQuestion, value: ReturnValue | undefined): string {
  if (value === null || value === undefined) return ''
  if (question.type === 'yes-no') return value ? 'Yes' : 'No'
  if (question.type === 'choice')
    return String(value)
      .split(',')
      .map((v) => question.choices?.find((c) => c.value === v)?.label ?? v)
      .join(', ')
  return String(value)
}
