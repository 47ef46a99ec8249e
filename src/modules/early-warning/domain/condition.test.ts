import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { measuresArb } from '../../../../test/support/risk-arbitraries.ts'
import {
  type Condition,
  closestMeasure,
  evaluate,
  formatCondition,
  measuresUsed,
  parseCondition,
} from './condition.ts'
import { type Measures, measureDefinitions } from './measures.ts'

const none: Measures = {
  lowestPpeDays: null,
  lowestPpeItem: null,
  staffAbsencePercent: null,
  newConfirmedCases14Days: null,
  suspectedCases14Days: null,
  deaths7Days: null,
  vacancies: null,
  admissionsClosed: null,
  helpRequested: null,
  helpRequestedKinds: [],
  periodsWithoutReturn: null,
}

const parsed = (text: string) => {
  const result = parseCondition(text)
  if (!result.ok) throw new Error(result.error)
  return result.condition
}
const errorOf = (text: string) => {
  const result = parseCondition(text)
  return result.ok ? null : result.error
}

describe('parseCondition', () => {
  it('reads comparisons, yes-no measures, and/or/not with the usual precedence', () => {
    expect(parsed('lowest_ppe_days < 3')).toEqual({
      kind: 'compare',
      measure: 'lowest_ppe_days',
      op: '<',
      value: 3,
    })
    expect(parsed('help_requested')).toEqual({ kind: 'flag', measure: 'help_requested' })
    expect(formatCondition(parsed('deaths_7_days >= 1 or vacancies < 2 and help_requested'))).toBe(
      'deaths_7_days >= 1 or (vacancies < 2 and help_requested)',
    )
    expect(formatCondition(parsed('NOT (admissions_closed = yes OR staff_absence_percent >= 20%)'))).toBe(
      'not (admissions_closed = yes or staff_absence_percent >= 20)',
    )
    expect(parsed('lowest_ppe_days == 2.5')).toMatchObject({ op: '=', value: 2.5 })
  })

  it('names the problem in the admin’s words', () => {
    expect(errorOf('ppe_day < 3')).toBe("Unknown measure 'ppe_day' — did you mean 'lowest_ppe_days'?")
    expect(errorOf('lowest_ppe_days <')).toBe("Expected a number after '<', found the end of the condition")
    expect(errorOf('lowest_ppe_days < three')).toBe("Expected a number after '<', found 'three'")
    expect(errorOf('lowest_ppe_days')).toBe(
      "'lowest_ppe_days' is a number: compare it, for example 'lowest_ppe_days >= 1'",
    )
    expect(errorOf('help_requested > 1')).toBe(
      "'help_requested' is yes or no: use it on its own, or with = yes or = no",
    )
    expect(errorOf('(deaths_7_days >= 1')).toBe(
      "Expected ')' to close the '(' at character 1, found the end of the condition",
    )
    expect(errorOf('deaths_7_days >= 1)')).toBe("There is a ')' at character 19 without a matching '('")
    expect(errorOf('deaths_7_days >= 1 vacancies < 2')).toBe(
      "Expected 'and' or 'or' before 'vacancies' (character 20)",
    )
    expect(errorOf('deaths_7_days >= 1 and')).toBe(
      'The condition ends too soon: expected a measure, like lowest_ppe_days',
    )
    expect(errorOf('deaths_7_days >= 1; drop table users')).toBe(
      "';' cannot be used in a condition (character 19)",
    )
    expect(errorOf('   ')).toBe('Enter a condition, for example lowest_ppe_days < 3')
    expect(errorOf('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz > 1')).toBe(
      "Unknown measure 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'",
    )
  })

  it('suggests the nearest measure name', () => {
    expect(closestMeasure('staff_absence')).toBe('staff_absence_percent')
    expect(closestMeasure('vacancy')).toBe('vacancies')
    expect(closestMeasure('deaths_7_day')).toBe('deaths_7_days')
  })

  it('never throws, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const result = parseCondition(text)
        expect(typeof result.ok).toBe('boolean')
      }),
    )
  })
})

describe('evaluate', () => {
  it('compares numbers and yes-no measures', () => {
    const m = { ...none, lowestPpeDays: 2, helpRequested: true, admissionsClosed: false }
    expect(evaluate(parsed('lowest_ppe_days < 3'), m)).toBe(true)
    expect(evaluate(parsed('lowest_ppe_days >= 3 and lowest_ppe_days < 7'), m)).toBe(false)
    expect(evaluate(parsed('help_requested'), m)).toBe(true)
    expect(evaluate(parsed('admissions_closed = no'), m)).toBe(true)
    expect(evaluate(parsed('not admissions_closed'), m)).toBe(true)
  })

  it('an unknown measure makes its comparison false, and not(unknown) is not true either', () => {
    for (const text of [
      'vacancies < 2',
      'vacancies >= 0',
      'not vacancies < 2',
      'admissions_closed',
      'not admissions_closed',
      'vacancies != 3',
    ])
      expect(evaluate(parsed(text), none), text).toBe(false)
    expect(evaluate(parsed('vacancies < 2 or deaths_7_days >= 1'), { ...none, deaths7Days: 1 })).toBe(true)
    expect(evaluate(parsed('vacancies < 2 and deaths_7_days >= 1'), { ...none, deaths7Days: 1 })).toBe(false)
  })
})

// Random conditions and random measures: writing a condition out and reading it back means the same.
const numberMeasures = measureDefinitions.filter((m) => m.type === 'number').map((m) => m.name)
const yesNoMeasures = measureDefinitions.filter((m) => m.type === 'yes-no').map((m) => m.name)
const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('compare' as const),
      measure: fc.constantFrom(...numberMeasures),
      op: fc.constantFrom('<', '<=', '>', '>=', '=', '!=' as const),
      value: fc.integer({ min: 0, max: 30 }),
    }),
    fc.record({ kind: fc.constant('flag' as const), measure: fc.constantFrom(...yesNoMeasures) }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('c') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('c'), right: tie('c') }),
  ),
})).c
describe('conditions round-trip', () => {
  it('format then parse evaluates the same on any measures', () => {
    fc.assert(
      fc.property(conditionArb, measuresArb, (condition, measures) => {
        const again = parseCondition(formatCondition(condition))
        expect(again.ok).toBe(true)
        if (again.ok) {
          expect(evaluate(again.condition, measures)).toBe(evaluate(condition, measures))
          expect(new Set(measuresUsed(again.condition))).toEqual(new Set(measuresUsed(condition)))
        }
      }),
    )
  })
})
