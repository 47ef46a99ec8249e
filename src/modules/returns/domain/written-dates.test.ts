import { describe, expect, it } from 'vitest'
import { writtenDate } from './written-dates.ts'

describe('writtenDate', () => {
  it('reads ISO and UK day-first dates that are on the calendar', () => {
    expect(writtenDate('2020-04-14')).toBe('2020-04-14')
    expect(writtenDate('2020-4-7')).toBe('2020-04-07')
    expect(writtenDate('14/04/2020')).toBe('2020-04-14')
    expect(writtenDate('7/4/2020')).toBe('2020-04-07')
    expect(writtenDate('29/02/2020')).toBe('2020-02-29')
  })

  it('refuses days not on the calendar and other text', () => {
    for (const text of [
      '31/02/2020',
      '2020-13-01',
      '2021-02-29',
      '04/14/2020',
      'yesterday',
      '',
      '2020/04/14',
    ])
      expect(writtenDate(text), text).toBeNull()
  })

  it('takes a time after the day only when one may follow', () => {
    expect(writtenDate('14/04/2020 08:30')).toBeNull()
    expect(writtenDate('14/04/2020 08:30', { timeMayFollow: true })).toBe('2020-04-14')
    expect(writtenDate('2020-04-14T08:30:00Z', { timeMayFollow: true })).toBe('2020-04-14')
    expect(writtenDate('31/02/2020 08:30', { timeMayFollow: true })).toBeNull()
  })
})
