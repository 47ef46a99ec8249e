import { describe, expect, it } from 'vitest'
import { currentStatus, expectedToReport, statusChange, statusOn } from './location-status.ts'

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

  // Issue 17, item 5: an agency dormant since 2023 was "expected to report" until the day of the import.
  it('dates dormancy from the CQC’s own start date, within the registration and not after it was seen', () => {
    const dormant = {
      status: 'open' as const,
      dormant: true,
      registrationStart: '2021-03-31',
      registrationEnd: null,
    }
    expect(statusChange(null, { ...dormant, dormancyStart: '2023-06-01' }, '2025-03-01')).toEqual([
      { status: 'open', effectiveFrom: '2021-03-31' },
      { status: 'dormant', effectiveFrom: '2023-06-01' },
    ])
    expect(
      statusChange(
        { status: 'open', dormant: false },
        { ...dormant, dormancyStart: '2023-06-01' },
        '2025-03-01',
      ),
    ).toEqual([{ status: 'dormant', effectiveFrom: '2023-06-01' }])
    expect(statusChange(null, { ...dormant, dormancyStart: '2019-01-01' }, '2025-03-01')[1]).toEqual({
      status: 'dormant',
      effectiveFrom: '2021-03-31',
    })
    expect(
      statusChange(null, { ...dormant, dormancyStart: '2026-01-01' }, '2025-03-01')[1]!.effectiveFrom,
    ).toBe('2025-03-01')
    const history = statusChange(null, { ...dormant, dormancyStart: '2023-06-01' }, '2025-03-01')
    expect(expectedToReport(history, '2024-12-02')).toBe(false)
  })

  it('gives one meaning of open, dormant and closed', () => {
    expect(currentStatus({ status: 'open', dormant: false })).toBe('open')
    expect(currentStatus({ status: 'open', dormant: true })).toBe('dormant')
    expect(currentStatus({ status: 'closed', dormant: true })).toBe('closed')
  })
})
