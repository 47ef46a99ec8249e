import { describe, expect, it } from 'vitest'
import { expectedToReport, statusChange, statusOn } from './location-status.ts'

describe('location status history', () => {
  const history = [
    { status: 'open' as const, effectiveFrom: '2015-03-01' },
    { status: 'dormant' as const, effectiveFrom: '2020-04-01' },
    { status: 'open' as const, effectiveFrom: '2020-04-20' },
    { status: 'closed' as const, effectiveFrom: '2020-06-30' },
  ]

  it('answers which status was in force on a date', () => {
    expect(statusOn(history, '2015-02-28')).toBe('not-yet-open')
    expect(statusOn(history, '2020-04-14')).toBe('dormant')
    expect(statusOn(history, '2020-04-20')).toBe('open')
    expect(statusOn(history, '2021-01-01')).toBe('closed')
    expect(expectedToReport(history, '2020-04-14')).toBe(false)
    expect(expectedToReport(history, '2020-05-01')).toBe(true)
  })

  it('turns imported facts into dated events', () => {
    expect(
      statusChange(
        null,
        { status: 'closed', dormant: false, registrationStart: '2013-10-28', registrationEnd: '2014-05-30' },
        '2025-03-01',
      ),
    ).toEqual([
      { status: 'open', effectiveFrom: '2013-10-28' },
      { status: 'closed', effectiveFrom: '2014-05-30' },
    ])
    expect(
      statusChange(
        { status: 'open', dormant: false },
        { status: 'open', dormant: false, registrationStart: null, registrationEnd: null },
        '2025-03-01',
      ),
    ).toEqual([])
    expect(
      statusChange(
        { status: 'open', dormant: false },
        { status: 'open', dormant: true, registrationStart: null, registrationEnd: null },
        '2025-03-01',
      ),
    ).toEqual([{ status: 'dormant', effectiveFrom: '2025-03-01' }])
  })
})
