import { describe, expect, it } from 'vitest'
import { addWorkingDays, enquiryDueAt, isWorkingDay, targetFromSetting } from './working-days.ts'

describe('working days (England)', () => {
  it('skips weekends', () => {
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23') // Friday + 1 = Monday
    expect(addWorkingDays('2026-11-20', 2)).toBe('2026-11-24')
    expect(addWorkingDays('2026-11-21', 2)).toBe('2026-11-24') // asked on Saturday
    expect(addWorkingDays('2026-11-23', 2)).toBe('2026-11-25')
  })

  it('skips bank holidays, including Easter and substitute days', () => {
    expect(isWorkingDay('2026-04-03')).toBe(false) // Good Friday
    expect(isWorkingDay('2026-04-06')).toBe(false) // Easter Monday
    expect(addWorkingDays('2026-04-02', 2)).toBe('2026-04-08')
    expect(isWorkingDay('2026-12-28')).toBe(false) // Boxing Day substitute
    expect(addWorkingDays('2026-12-24', 2)).toBe('2026-12-30')
    expect(addWorkingDays('2027-12-24', 1)).toBe('2027-12-29')
    expect(isWorkingDay('2020-05-08')).toBe(false) // VE Day, moved in 2020
    expect(isWorkingDay('2020-05-04')).toBe(true)
  })

  it('makes an enquiry due at the end of the target day, London time', () => {
    // Monday 10:00 BST, 2 working days: due by the end of Wednesday (midnight BST = 23:00 UTC).
    expect(enquiryDueAt(new Date('2020-04-14T09:00:00Z'), 2).toISOString()).toBe('2020-04-16T23:00:00.000Z')
    // Friday afternoon in winter: due by the end of Tuesday (GMT).
    expect(enquiryDueAt(new Date('2026-11-20T15:00:00Z'), 2).toISOString()).toBe('2026-11-25T00:00:00.000Z')
    // Late on Sunday evening in BST counts from the London day (Sunday), not the UTC one.
    expect(enquiryDueAt(new Date('2020-04-19T23:30:00Z'), 1).toISOString()).toBe('2020-04-21T23:00:00.000Z')
  })

  it('reads the setting, falling back to 2 for anything out of range', () => {
    expect(targetFromSetting(3)).toBe(3)
    expect(targetFromSetting('5')).toBe(5)
    expect(targetFromSetting(0)).toBe(2)
    expect(targetFromSetting(2.5)).toBe(2)
    expect(targetFromSetting(null)).toBe(2)
    expect(targetFromSetting(99)).toBe(2)
  })
})
