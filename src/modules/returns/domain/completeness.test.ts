import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { completeness } from './completeness.ts'

describe('completeness', () => {
  it('counts on time, late and missing by area and service type', () => {
    const expected = [
      { locationId: 'a', area: 'North', serviceType: 'home_care' },
      { locationId: 'b', area: 'North', serviceType: 'care_home_nursing' },
      { locationId: 'c', area: 'South', serviceType: 'care_home_nursing' },
      { locationId: 'd', area: null, serviceType: 'care_home_nursing' },
    ]
    const result = completeness(expected, [
      { locationId: 'a', timing: 'on-time' },
      { locationId: 'c', timing: 'late' },
      { locationId: 'zz', timing: 'on-time' },
    ])
    expect(result.overall).toEqual({ expected: 4, onTime: 1, late: 1, missing: 2, percentReported: 50 })
    expect(result.byArea.map((a) => [a.area, a.percentReported])).toEqual([
      ['North', 50],
      ['Not set', 0],
      ['South', 100],
    ])
    expect(result.missing).toEqual(['b', 'd'])
  })

  it('never reports more than 100 %, whatever arrives (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 30 }),
        fc.array(
          fc.record({
            locationId: fc.string({ minLength: 1, maxLength: 3 }),
            timing: fc.constantFrom('on-time', 'late'),
          }),
          { maxLength: 60 },
        ),
        (ids, submissions) => {
          const result = completeness(
            ids.map((locationId) => ({ locationId, area: null, serviceType: 'home_care' })),
            submissions,
          )
          const p = result.overall.percentReported
          return (
            (p === null || (p >= 0 && p <= 100)) &&
            result.overall.onTime + result.overall.late + result.overall.missing === ids.length
          )
        },
      ),
    )
  })
})
