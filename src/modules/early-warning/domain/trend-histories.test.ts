import { describe, expect, it } from 'vitest'
import { percentileCont, type TrendAggregate, trendHistories } from './trend-histories.ts'

const needs = { figures: ['staff_absence_percent'], longestRun: 3, change: true, percentiles: [90] }

const row = (over: Partial<TrendAggregate>): TrendAggregate => ({
  locationId: 'a',
  frequency: 'daily',
  latestStart: '2026-12-05',
  councilKey: 'c',
  serviceType: 'Care home',
  days: [],
  values: [[]],
  totals: [null],
  counted: [0],
  ...over,
})

describe('trend histories from one scan', () => {
  it('works out percentiles as PostgreSQL percentile_cont does', () => {
    // Hand-worked: 5 values, the 90th lies 0.6 of the way from 19 to 25: 19 + 6 × 0.6 = 22.6.
    expect(percentileCont([1, 4, 9, 19, 25], 0.9)).toBeCloseTo(22.6, 12)
    expect(percentileCont([7], 0.05)).toBe(7)
    expect(percentileCont([], 0.5)).toBeNull()
  })

  it('counts a run over consecutive days only, in whatever order the periods arrive', () => {
    // Days -1 … -4 in no order: tenths 80, 110, 150, 190 from oldest to newest, then a gap at -6.
    const histories = trendHistories(
      [row({ days: [-3, -1, -6, -4, -2], values: [[110, 190, 300, 80, 150]], totals: [830], counted: [5] })],
      '2026-12-06',
      needs,
      [10],
    )
    const h = histories.get('a')!.staff_absence_percent!
    expect(h.latest).toBe(19)
    expect(h.rising).toBe(3)
    expect(h.falling).toBe(0)
    // Only the latest and the 3 periods before it are within reach of a run of 3.
    expect(h.recent).toEqual([19, 15, 11, 8])
    // (830 - 190) tenths over the 4 other returns: 16 %.
    expect(h.baselineAverage).toBe(16)
    expect(h.baselineReturns).toBe(4)
  })

  it('follows months as PostgreSQL subtracts them, and ends a run at a missing month', () => {
    const monthly = row({
      frequency: 'monthly',
      latestStart: '2026-11-01',
      // 1 November, 1 October, 1 August (September missing), as days from 6 December.
      days: [-35, -66, -127],
      values: [[300, 200, 100]],
    })
    const h = trendHistories([monthly], '2026-12-06', needs, [10]).get('a')!.staff_absence_percent!
    expect(h.rising).toBe(1)
    expect(h.recent).toEqual([30, 20, 10])
  })

  it('gives each location the percentiles of its own council and service type', () => {
    const rows = [1, 2, 3, 4].map((n) =>
      row({ locationId: `p${n}`, days: [-1], values: [[n * 10]], councilKey: n < 4 ? 'c' : 'd' }),
    )
    const histories = trendHistories(rows, '2026-12-06', needs, [10])
    expect(histories.get('p1')!.staff_absence_percent!.peers).toBe(3)
    expect(histories.get('p1')!.staff_absence_percent!.percentiles['90']).toBeCloseTo(2.8, 12)
    expect(histories.get('p4')!.staff_absence_percent!.peers).toBe(1)
  })
})
