import { describe, expect, it } from 'vitest'
import { checkException, checkNilReturn, exceptionInWords, timingUnder } from './exceptions.ts'
import { defaultWindows, periodStarting } from './periods.ts'

const draft = {
  kind: 'later-deadline',
  extraHours: '2',
  startsDay: '1',
  startsMonth: '12',
  startsYear: '2026',
  lastDay: '',
  lastMonth: '',
  lastYear: '',
  reason: 'Reports after the morning round',
}

describe('agreed exceptions', () => {
  it('accepts a later deadline with no end, and words it', () => {
    const checked = checkException(draft, '2026-12-01')
    expect(checked).toEqual({
      ok: true,
      value: {
        kind: 'later-deadline',
        extraHours: 2,
        startsOn: '2026-12-01',
        lastDay: null,
        reason: draft.reason,
      },
    })
    if (checked.ok)
      expect(exceptionInWords(checked.value)).toBe('Due 2 hours later than usual from 1 December 2026')
  })

  it('names every problem by its field', () => {
    const checked = checkException(
      { ...draft, kind: 'exempt', startsDay: '30', startsMonth: '2', reason: ' ' },
      '2026-12-01',
    )
    expect(checked.ok ? [] : checked.errors.map((e) => e.field)).toEqual(['startsDate', 'lastDate', 'reason'])
    const hours = checkException({ ...draft, extraHours: '721' }, '2026-12-01')
    expect(hours.ok ? [] : hours.errors.map((e) => e.field)).toEqual(['extraHours'])
    const order = checkException({ ...draft, lastDay: '30', lastMonth: '11', lastYear: '2026' }, '2026-12-01')
    expect(order.ok ? '' : order.errors[0]!.message).toBe(
      'The last day must be the same as or after the first day',
    )
  })

  // 1 December 2026 is in GMT: the usual 11:00 deadline is 11:00 UTC.
  it('makes a return 90 minutes after the usual deadline on time within 2 extra hours, late without', () => {
    const period = periodStarting('daily', '2026-12-01')
    const at = new Date('2026-12-01T12:30:00Z')
    const exception = {
      id: 'x',
      kind: 'later-deadline' as const,
      extraHours: 2,
      reason: '',
      startsOn: '2026-12-01',
      lastDay: null,
    }
    expect(timingUnder(period, defaultWindows.daily, at, exception)).toBe('on-time')
    expect(timingUnder(period, defaultWindows.daily, at, null)).toBe('late')
    expect(
      timingUnder(period, defaultWindows.daily, at, { ...exception, kind: 'exempt', extraHours: 0 }),
    ).toBe('on-time')
  })
})

describe('nil returns', () => {
  it('needs a reason, and details for another reason', () => {
    expect(checkNilReturn({ nilReason: '', nilDetails: '' })).toMatchObject({ ok: false })
    expect(checkNilReturn({ nilReason: 'other', nilDetails: ' ' })).toMatchObject({
      ok: false,
      errors: [{ field: 'nilDetails' }],
    })
    expect(checkNilReturn({ nilReason: 'temporarily-closed', nilDetails: '' })).toEqual({
      ok: true,
      value: { nilReason: 'temporarily-closed', nilDetails: null },
    })
  })
})
