import { describe, expect, it } from 'vitest'
import { evaluate, formatCondition, parseCondition, trendReasons, trendTermsOf } from './condition.ts'
import type { Measures } from './measures.ts'
import { emptyTrendFields, trendFieldsOf, trendFromFields } from './rule-kinds.ts'
import { type FigureHistory, peersNeeded, trendNeeds, trendOutcome } from './trends.ts'

const history = (extra: Partial<FigureHistory>): FigureHistory => ({
  frequency: 'daily',
  latestStart: '2020-05-01',
  latest: 19,
  recent: [19, 14, 10, 8],
  rising: 3,
  falling: 0,
  baselineAverage: 10,
  baselineReturns: 20,
  peers: 30,
  percentiles: { '95': 15, '5': 2 },
  ...extra,
})
const measuresWith = (trends: Measures['trends']) => ({ trends }) as Measures
const holds = (condition: string, trends: Measures['trends']) => {
  const parsed = parseCondition(condition)
  if (!parsed.ok) throw new Error(parsed.error)
  return evaluate(parsed.condition, measuresWith(trends))
}

describe('trend and outlier tests', () => {
  it('parse, and are written back in one canonical form', () => {
    for (const [typed, canonical] of [
      ['Staff_Absence_Percent RISING for 3 period', 'staff_absence_percent rising for 3 periods'],
      ['lowest_ppe_days falling for 2 periods', 'lowest_ppe_days falling for 2 periods'],
      ['vacancies up more than 12.5 on 4 weeks', 'vacancies up more than 12.5% on 4 weeks'],
      [
        'staff_absence_percent above 95 percentile of peers',
        'staff_absence_percent above 95th percentile of peers',
      ],
      [
        'lowest_ppe_days below 1st percentile of peers and staff_absence_percent >= 10',
        'lowest_ppe_days below 1st percentile of peers and staff_absence_percent >= 10',
      ],
    ]) {
      const parsed = parseCondition(typed!)
      expect(parsed.ok && formatCondition(parsed.condition)).toBe(canonical)
    }
  })

  it('say what is wrong, in the admin’s words', () => {
    const error = (c: string) => {
      const parsed = parseCondition(c)
      return parsed.ok ? null : parsed.error
    }
    expect(error('deaths_7_days rising for 3 periods')).toBe(
      "'deaths_7_days' cannot be followed over time: use staff_absence_percent, lowest_ppe_days, vacancies",
    )
    expect(error('vacancies rising for 11 periods')).toBe(
      'The number of periods must be a whole number from 2 to 10',
    )
    expect(error('vacancies up more than 50% on 3 weeks')).toBe("Expected '4 weeks' after 'on', found '3'")
    expect(error('vacancies above 5th percentile of peers')).toBe(
      'To flag locations far above their peers, the percentile must be 50 or more, like 95',
    )
    expect(error('vacancies rising')).toBe("Expected 'for' but found the end of the condition")
  })

  it('a run holds when the figure rose (fell) in at least N periods running, and says so in words', () => {
    const trends = { staff_absence_percent: history({}) }
    expect(holds('staff_absence_percent rising for 3 periods', trends)).toBe(true)
    expect(holds('staff_absence_percent rising for 4 periods', trends)).toBe(false)
    expect(holds('staff_absence_percent falling for 2 periods', trends)).toBe(false)
    expect(
      trendOutcome('staff_absence_percent', { type: 'run', direction: 'up', periods: 2 }, trends).reason,
    ).toBe('Staff absence rose from 10 % to 19 % over 2 days')
    expect(
      trendOutcome(
        'lowest_ppe_days',
        { type: 'run', direction: 'down', periods: 2 },
        {
          lowest_ppe_days: history({
            frequency: 'weekly',
            latest: 1,
            recent: [1, 4, 9],
            rising: 0,
            falling: 2,
          }),
        },
      ).reason,
    ).toBe('The lowest PPE stock fell from 9 days to 1 day over 2 weeks')
  })

  it('a change needs a non-zero 4-week average over enough returns', () => {
    const change = (
      extra: Partial<FigureHistory>,
      condition = 'staff_absence_percent up more than 50% on 4 weeks',
    ) => holds(condition, { staff_absence_percent: history(extra) })
    expect(change({})).toBe(true) // 19 on 10 is up 90 %
    expect(change({ latest: 15 })).toBe(false) // up exactly 50 %: not more than
    expect(change({ baselineReturns: 13 })).toBe(false)
    expect(change({ baselineReturns: 13 }, 'not staff_absence_percent up more than 50% on 4 weeks')).toBe(
      false,
    )
    expect(change({ baselineAverage: 0 })).toBe(false)
    expect(change({ frequency: 'weekly', baselineReturns: 2 })).toBe(true)
    expect(change({ frequency: 'monthly', baselineReturns: 5 })).toBe(false)
    expect(change({ latest: 4 }, 'staff_absence_percent down more than 50% on 4 weeks')).toBe(true)
    expect(
      trendOutcome(
        'staff_absence_percent',
        { type: 'change', direction: 'down', percent: 50 },
        {
          staff_absence_percent: history({ latest: 4 }),
        },
      ).reason,
    ).toBe('Staff absence was 4 %, down 60 % on its 4-week average of 10 %')
  })

  it('peers: strictly beyond the percentile, and only with enough peers to make it meaningful', () => {
    expect(peersNeeded(95)).toBe(20)
    expect(peersNeeded(5)).toBe(20)
    expect(peersNeeded(99)).toBe(100)
    expect(peersNeeded(90)).toBe(10)
    expect(peersNeeded(50)).toBe(10)
    const peers = (
      extra: Partial<FigureHistory>,
      condition = 'staff_absence_percent above 95th percentile of peers',
    ) => holds(condition, { staff_absence_percent: history(extra) })
    expect(peers({})).toBe(true)
    expect(peers({ latest: 15 })).toBe(false)
    expect(peers({ peers: 19 })).toBe(false)
    expect(peers({ peers: 19 }, 'not staff_absence_percent above 95th percentile of peers')).toBe(false)
    expect(peers({ latest: 1 }, 'staff_absence_percent below 5th percentile of peers')).toBe(true)
    expect(
      trendOutcome(
        'staff_absence_percent',
        { type: 'peers', direction: 'up', percentile: 95 },
        {
          staff_absence_percent: history({ percentiles: { '95': 12.34 } }),
        },
      ).reason,
    ).toBe(
      'Staff absence was 19 %, above the 95th percentile (12.3 %) of its 30 peers of the same service type in the council',
    )
  })

  it('cannot be judged without the figure: three-valued like the other measures', () => {
    const cases: Measures['trends'][] = [undefined, {}, { staff_absence_percent: history({ latest: null }) }]
    for (const trends of cases) {
      expect(holds('staff_absence_percent rising for 2 periods', trends)).toBe(false)
      expect(holds('not staff_absence_percent rising for 2 periods', trends)).toBe(false)
    }
  })

  it('give the reasons of the tests that hold, and what the SQL must work out for a set of rules', () => {
    const parsed = parseCondition(
      'staff_absence_percent rising for 3 periods or lowest_ppe_days below 5th percentile of peers',
    )
    if (!parsed.ok) throw new Error(parsed.error)
    expect(trendReasons(parsed.condition, measuresWith({ staff_absence_percent: history({}) }))).toEqual([
      'Staff absence rose from 8 % to 19 % over 3 days',
    ])
    expect(
      trendNeeds([
        ...trendTermsOf(parsed.condition),
        { measure: 'vacancies', test: { type: 'change', direction: 'down', percent: 20 } },
        { measure: 'lowest_ppe_days', test: { type: 'peers', direction: 'down', percentile: 1 } },
      ]),
    ).toEqual({
      figures: ['staff_absence_percent', 'lowest_ppe_days', 'vacancies'],
      longestRun: 3,
      change: true,
      percentiles: [1, 5],
    })
    expect(trendNeeds([])).toBeNull()
  })

  it('the rule form’s fields make the condition, and a stored trend rule fills them again', () => {
    const fields = {
      ...emptyTrendFields,
      kind: 'peers',
      figure: 'lowest_ppe_days',
      direction: 'down',
      percentile: '5',
    }
    const trend = trendFromFields(fields)
    expect(trend).toEqual({
      ok: true,
      measure: 'lowest_ppe_days',
      test: { type: 'peers', direction: 'down', percentile: 5 },
    })
    expect(trendFieldsOf('lowest_ppe_days below 5th percentile of peers')).toEqual(fields)
    expect(trendFieldsOf('lowest_ppe_days < 3')).toEqual(emptyTrendFields)
    expect(trendFromFields({ ...emptyTrendFields, kind: 'rising' })).toEqual({
      ok: false,
      errors: [
        { field: 'figure', message: 'Select the figure to follow' },
        { field: 'direction', message: 'Select whether to flag a rise or a fall' },
        { field: 'periods', message: 'Enter the number of periods, for example 3' },
      ],
    })
  })
})
