import { describe, expect, it } from 'vitest'
import { emptyTotals, headline, isInOutbreak, percent, sumTotals, trendDays, trends } from './figures.ts'

describe('dashboard figures', () => {
  it('draws the trend at the chosen day and the same weekday in the 11 weeks before, oldest first', () => {
    const days = trendDays('2020-04-14')
    expect(days).toHaveLength(12)
    expect(days[0]).toBe('2020-01-28')
    expect(days[11]).toBe('2020-04-14')
    // Across the clock change (29 March 2020) the days stay a week apart.
    expect(days).toContain('2020-03-31')
    expect(days).toContain('2020-03-24')
  })

  it('counts an outbreak as a confirmed case, or two suspected, in the window', () => {
    expect(isInOutbreak(1, 0)).toBe(true)
    expect(isInOutbreak(0, 2)).toBe(true)
    expect(isInOutbreak(0, 1)).toBe(false)
    expect(isInOutbreak(0, 0)).toBe(false)
  })

  it('gives no rate when nothing is expected, and rounds to one decimal place', () => {
    expect(percent(0, 0)).toBeNull()
    expect(percent(1, 3)).toBe(33.3)
    expect(percent(2, 2)).toBe(100)
  })

  it('adds the service types of one day, and only that day', () => {
    const a = {
      ...emptyTotals('2020-04-14', 'care_home_nursing'),
      expected: 3,
      reported: 2,
      vacantBeds: 4,
      bedsAvailable: 40,
    }
    const b = { ...emptyTotals('2020-04-14', 'home_care'), expected: 5, reported: 5 }
    const other = { ...emptyTotals('2020-04-07', 'home_care'), expected: 100 }
    const total = sumTotals('2020-04-14', [a, b, other])
    expect(total.expected).toBe(8)
    expect(total.reported).toBe(7)
    const h = headline('2020-04-14', [a, b, other], { red: 1, amber: 2, green: 5, open: 8 }, [
      { organisationId: null, name: 'Not yet owned', open: 2 },
      { organisationId: 'x', name: 'Council', open: 3 },
    ])
    expect(h.percentReported).toBe(87.5)
    expect(h.openAlertsTotal).toBe(5)
    // Beds only for service types that reported beds.
    expect(h.bedsByServiceType).toEqual([
      { serviceType: 'care_home_nursing', bedsAvailable: 40, vacantBeds: 4 },
    ])
  })

  it('makes six trends of twelve points, with gaps where nothing was expected', () => {
    const days = trendDays('2020-04-14')
    const rows = [
      {
        ...emptyTotals('2020-04-14', 'care_home_nursing'),
        expected: 4,
        reported: 3,
        staffAbsent: 5,
        staffEmployed: 50,
      },
    ]
    const all = trends(days, rows, '2020-04-14')
    expect(all.map((t) => t.key)).toEqual([
      'cases',
      'deaths',
      'ppeRed',
      'absence',
      'vacancies',
      'completeness',
    ])
    const completeness = all.find((t) => t.key === 'completeness')!
    expect(completeness.points).toHaveLength(12)
    // Today's point is partial (its reporting is not over); the ones before are not.
    expect(completeness.points[11]).toEqual({ day: '2020-04-14', value: 75, partial: true })
    expect(completeness.points[10]!.partial).toBe(false)
    expect(completeness.points[0]!.value).toBeNull()
    expect(all.find((t) => t.key === 'absence')!.points[11]!.value).toBe(10)
  })
})
