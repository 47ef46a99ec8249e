import { z } from 'zod'
import { isoDateFromParts } from '../../domain/dates.ts'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm, requiredText } from '../../web/form-schema.ts'
import { parseQuestions } from './domain/survey.rules.ts'
import type { NewSurvey } from './surveys.service.ts'

// The surveys' forms as posted, with GOV.UK words for each field.

const surveyFields = z.object({
  title: requiredText({ missing: 'Enter a title', tooLong: 'Title must be 200 characters or fewer' }, 200),
  questions: formText(),
  'opensOn-day': formText(),
  'opensOn-month': formText(),
  'opensOn-year': formText(),
  'closesOn-day': formText(),
  'closesOn-month': formText(),
  'closesOn-year': formText(),
})
const surveyMessages: FormMessages<typeof surveyFields> = {
  title: 'Enter a title',
  questions: 'Enter at least one question',
  'opensOn-day': 'Enter the date the survey opens',
  'opensOn-month': 'Enter the date the survey opens',
  'opensOn-year': 'Enter the date the survey opens',
  'closesOn-day': 'Enter the date the survey closes',
  'closesOn-month': 'Enter the date the survey closes',
  'closesOn-year': 'Enter the date the survey closes',
}

export function surveyFormFrom(body: unknown): Outcome<NewSurvey> {
  const parsed = parseForm(surveyFields, body, surveyMessages)
  const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors }
  const f = (parsed.ok ? parsed.value : {}) as Partial<z.output<typeof surveyFields>>
  const date = (prefix: 'opensOn' | 'closesOn') =>
    isoDateFromParts({
      day: f[`${prefix}-day`] ?? '',
      month: f[`${prefix}-month`] ?? '',
      year: f[`${prefix}-year`] ?? '',
    })
  const opensOn = date('opensOn')
  const closesOn = date('closesOn')
  if (!opensOn) errors.opensOn = 'Enter the date the survey opens, like 27 4 2020'
  if (!closesOn) errors.closesOn = 'Enter the date the survey closes, like 4 5 2020'
  if (opensOn && closesOn && closesOn < opensOn)
    errors.closesOn = 'The date the survey closes must be the same as or after the date it opens'
  const questions = parseQuestions(f.questions ?? '')
  if ('error' in questions) errors.questions = questions.error
  for (const key of Object.keys(errors)) if (/-(day|month|year)$/.test(key)) delete errors[key]
  if (Object.keys(errors).length || !parsed.ok || 'error' in questions) return { ok: false, errors }
  return {
    ok: true,
    value: {
      title: parsed.value.title,
      questions: questions.questions,
      opensOn: opensOn!,
      closesOn: closesOn!,
    },
  }
}
