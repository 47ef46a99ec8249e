import { describe, expect, it } from 'vitest'
import {
  periodToReport,
  defaultWindows,
  periodContaining,
  periodStarting,
  previousPeriod,
  returnState,
  timingOf,
  windowTimes,
} from './periods.ts'

describe('reporting periods', () => {
  it('finds the UK day, Monday-start week and month containing an instant', () => {
    // 23:30 UTC on 13 April 2020 is 00:30 on the 14th in London (BST).
    expect(periodContaining('daily', new Date('2020-04-13T23:30:00Z'))).toEqual({
      frequency: 'daily',
      start: '2020-04-14',
      end: '2020-04-15',
    })
    expect(periodContaining('weekly', new Date('2020-04-16T10:00:00Z'))).toEqual({
      frequency: 'weekly',
      start: '2020-04-13',
      end: '2020-04-20',
    })
    expect(periodContaining('monthly', new Date('2020-04-30T23:30:00Z'))).toEqual({
      frequency: 'monthly',
      start: '2020-05-01',
      end: '2020-06-01',
    })
    expect(previousPeriod(periodStarting('weekly', '2020-04-13')).start).toBe('2020-04-06')
  })

  it('keeps an 11 am deadline at 11 am local time across the clock change', () => {
    expect(windowTimes(periodStarting('daily', '2020-03-28'), defaultWindows.daily).dueAt.toISOString()).toBe(
      '2020-03-28T11:00:00.000Z',
    )
    expect(windowTimes(periodStarting('daily', '2020-03-30'), defaultWindows.daily).dueAt.toISOString()).toBe(
      '2020-03-30T10:00:00.000Z',
    )
  })

  it('tells on time, late and locked, with a per-location extension', () => {
    const day = periodStarting('daily', '2020-04-14')
    expect(timingOf(day, defaultWindows.daily, new Date('2020-04-14T09:59:00Z'))).toBe('on-time')
    expect(timingOf(day, defaultWindows.daily, new Date('2020-04-14T10:01:00Z'))).toBe('late')
    expect(timingOf(day, defaultWindows.daily, new Date('2020-04-14T10:01:00Z'), 2)).toBe('on-time')
    expect(timingOf(day, defaultWindows.daily, new Date('2020-04-21T00:00:00Z'))).toBe('locked')
    expect(timingOf(day, defaultWindows.daily, new Date('2020-04-13T22:00:00Z'))).toBe('not-open')
  })

  it('gives today’s status of a return', () => {
    const day = periodStarting('daily', '2020-04-14')
    expect(returnState(day, defaultWindows.daily, new Date('2020-04-14T07:00:00Z'), null)).toBe('due')
    expect(returnState(day, defaultWindows.daily, new Date('2020-04-14T12:00:00Z'), null)).toBe('missing')
    expect(
      returnState(
        day,
        defaultWindows.daily,
        new Date('2020-04-14T12:00:00Z'),
        new Date('2020-04-14T11:00:00Z'),
      ),
    ).toBe('late')
    expect(
      returnState(
        day,
        defaultWindows.daily,
        new Date('2020-04-14T12:00:00Z'),
        new Date('2020-04-14T08:00:00Z'),
      ),
    ).toBe('submitted')
  })
})

describe('the period to report now', () => {
  it('is the week before until this week’s return opens on Thursday, and today for a daily return', () => {
    const tuesday = new Date('2020-04-14T08:00:00Z')
    expect(periodToReport('weekly', defaultWindows.weekly, tuesday).start).toBe('2020-04-06')
    expect(periodToReport('weekly', defaultWindows.weekly, new Date('2020-04-16T08:00:00Z')).start).toBe(
      '2020-04-13',
    )
    expect(periodToReport('daily', defaultWindows.daily, tuesday).start).toBe('2020-04-14')
  })
})
