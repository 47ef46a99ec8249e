import { describe, expect, it } from 'vitest'
import { isIsoDate } from './dates.ts'

describe('ISO dates', () => {
  it('takes a calendar date written YYYY-MM-DD', () => {
    expect(isIsoDate('2020-04-27')).toBe(true)
    expect(isIsoDate('2020-02-29')).toBe(true)
    expect(isIsoDate('0050-01-01')).toBe(true)
  })

  it('refuses a day the calendar does not have, and any other way of writing one', () => {
    for (const value of ['2021-02-29', '2020-02-30', '2020-13-01', '2020-00-10', '2020-4-7', '27/04/2020'])
      expect(isIsoDate(value), value).toBe(false)
    expect(isIsoDate('2020-04-27T00:00:00Z')).toBe(false)
    expect(isIsoDate('')).toBe(false)
  })
})
