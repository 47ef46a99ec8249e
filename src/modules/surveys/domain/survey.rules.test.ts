import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { answerInWords, checkAnswer, parseQuestions, responseRate, resultsOf } from './survey.rules.ts'

const parsed = parseQuestions(
  [
    'yes-no: Do you have enough aprons?',
    'number: How many staff are off sick?',
    'choice: What do you need most? | PPE | Staff | Testing',
    'text?: Anything else?',
  ].join('\n'),
)
const questions = 'questions' in parsed ? parsed.questions : []

describe('a survey', () => {
  it('reads questions one a line, with the returns’ field types', () => {
    expect(questions.map((q) => [q.type, q.required])).toEqual([
      ['yes-no', true],
      ['whole-number', true],
      ['choice', true],
      ['text', false],
    ])
    expect(parseQuestions('colour: What?')).toEqual({
      error: 'Question 1 must start with number:, yes-no:, choice: or text:',
    })
    expect(parseQuestions('choice: Only one | A')).toEqual({
      error: 'Question 1 must give at least 2 choices, separated by |',
    })
  })

  it('checks answers as a return’s fields are checked', () => {
    expect(checkAnswer(questions[1]!, 'twelve')).toEqual({
      ok: false,
      message: 'How many staff are off sick? must be a whole number',
    })
    expect(checkAnswer(questions[0]!, '')).toEqual({ ok: false, message: 'Select an answer' })
    expect(checkAnswer(questions[2]!, 'c2')).toEqual({ ok: true, value: 'c2' })
    expect(checkAnswer(questions[3]!, '')).toEqual({ ok: true, value: null })
    expect(answerInWords(questions[2]!, 'c2')).toBe('Staff')
  })

  it('counts results and never gives a rate over 100 %', () => {
    const results = resultsOf(questions, [
      { q1: true, q2: 3, q3: 'c1', q4: 'More masks' },
      { q1: false, q2: 30, q3: 'c1', q4: null },
    ])
    expect(results[0]).toMatchObject({
      points: [
        { label: 'Yes', value: 1 },
        { label: 'No', value: 1 },
      ],
    })
    expect(results[1]).toMatchObject({ total: 33, answered: 2 })
    expect(results[2]).toMatchObject({ points: [{ value: 2 }, { value: 0 }, { value: 0 }] })
    expect(results[3]).toMatchObject({ answers: ['More masks'] })
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (responded, audience) => {
        const rate = responseRate(responded, audience)
        return rate >= 0 && rate <= 100
      }),
    )
  })
})
