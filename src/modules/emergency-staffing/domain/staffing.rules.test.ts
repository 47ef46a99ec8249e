import { describe, expect, it } from 'vitest'
import {
  budgetBalance,
  costPence,
  minutesFromHours,
  overspendBy,
  penceFromPounds,
  requestOutcome,
  validateClosing,
  validatePerson,
  validateRequest,
  weeklyStaffingFigures,
} from './staffing.rules.ts'

const today = '2020-04-14'
const shift = {
  reason: 'outbreak',
  urgency: 'within_24_hours',
  shift1Role: 'care_worker',
  'shift1Date-day': '15',
  'shift1Date-month': '4',
  'shift1Date-year': '2020',
  shift1Start: '08:00',
  shift1End: '16:00',
  shift1People: '2',
}
const person = {
  name: 'Amira Begum',
  employer: 'Council staff bank',
  role: 'care_worker',
  'dbsExpires-day': '1',
  'dbsExpires-month': '1',
  'dbsExpires-year': '2021',
  'rightToWorkExpires-day': '1',
  'rightToWorkExpires-month': '1',
  'rightToWorkExpires-year': '2022',
  'trainingExpires-day': '1',
  'trainingExpires-month': '9',
  'trainingExpires-year': '2020',
}

describe('staffing requests', () => {
  it('takes a request with its shifts, and names the field when a shift ends before it starts', () => {
    const ok = validateRequest(shift, today)
    expect(ok).toEqual({
      ok: true,
      value: {
        reason: 'outbreak',
        urgency: 'within_24_hours',
        details: null,
        shifts: [
          { role: 'care_worker', shiftOn: '2020-04-15', startsMinute: 480, endsMinute: 960, peopleNeeded: 2 },
        ],
      },
    })
    expect(validateRequest({ ...shift, shift1End: '07:00' }, today)).toEqual({
      ok: false,
      errors: { shift1End: 'Shift 1 end time must be after its start time, or select ‘Ends the next day’' },
    })
  })

  it('takes a night shift ending the next morning, up to 24 hours long', () => {
    const night = { ...shift, shift1Start: '20:00', shift1End: '08:00', shift1NextDay: 'yes' }
    const ok = validateRequest(night, today)
    expect(ok.ok && ok.value.shifts[0]).toEqual({
      role: 'care_worker',
      shiftOn: '2020-04-15',
      startsMinute: 1200,
      endsMinute: 1920,
      peopleNeeded: 2,
    })
    expect(validateRequest({ ...night, shift1End: '20:30' }, today)).toEqual({
      ok: false,
      errors: { shift1End: 'Shift 1 must last 24 hours or less' },
    })
    expect(validateRequest({ ...night, shift1End: '24:00' }, today)).toEqual({
      ok: false,
      errors: { shift1End: 'Shift 1 end time must be a time, like 19:30' },
    })
    // Without the marker, the same times are refused with the field named, and a marker on a day
    // shift makes it a 24-hour-plus shift, refused too.
    expect(validateRequest({ ...night, shift1NextDay: '' }, today).ok).toBe(false)
    expect(validateRequest({ ...shift, shift1NextDay: 'yes' }, today)).toEqual({
      ok: false,
      errors: { shift1End: 'Shift 1 must last 24 hours or less' },
    })
    expect(validateRequest({ ...shift, 'shift1Date-day': '13' }, today)).toEqual({
      ok: false,
      errors: { shift1Date: 'Shift 1 date must be today or in the future' },
    })
    expect(validateRequest({ reason: 'x', urgency: '' }, today)).toEqual({
      ok: false,
      errors: {
        reason: 'Select why staff are needed',
        urgency: 'Select how urgently',
        shift1Role: 'Enter at least one shift',
      },
    })
  })

  it('closes as filled, part filled or unfilled, and wants a reason unless filled', () => {
    expect(requestOutcome([{ peopleNeeded: 2, deployed: 2 }])).toBe('filled')
    expect(
      requestOutcome([
        { peopleNeeded: 2, deployed: 1 },
        { peopleNeeded: 1, deployed: 0 },
      ]),
    ).toBe('part_filled')
    expect(requestOutcome([{ peopleNeeded: 1, deployed: 0 }])).toBe('unfilled')
    expect(validateClosing('part_filled', ' ')).toEqual({
      ok: false,
      errors: { outcomeReason: 'Enter why the request could not be filled in full' },
    })
    expect(validateClosing('filled', '')).toEqual({ ok: true, value: null })
  })
})

describe('the staffing pool', () => {
  it('needs every check’s expiry date, naming the check', () => {
    expect(validatePerson(person, today).ok).toBe(true)
    const missing = validatePerson(
      { ...person, 'dbsExpires-day': '', 'dbsExpires-month': '', 'dbsExpires-year': '' },
      today,
    )
    expect(missing).toEqual({ ok: false, errors: { dbsExpires: 'Enter the date the DBS check expires' } })
  })
})

describe('money and the budget', () => {
  it('reads pounds, costs a shift and keeps the balance as allocation less costs', () => {
    expect(penceFromPounds('£18.50')).toBe(1850)
    expect(penceFromPounds('18.5')).toBe(1850)
    expect(penceFromPounds('eighteen')).toBeNull()
    expect(costPence(1850, 480)).toBe(14_800)
    expect(budgetBalance(5_000_000, [14_800, 0, 4_200])).toBe(4_981_000)
    expect(minutesFromHours('7.5')).toBe(450)
    expect(minutesFromHours('25')).toBeNull()
  })

  it('counts only what a change adds beyond the balance as overspend', () => {
    expect(overspendBy(10_000, 0, 9_000)).toBe(0)
    expect(overspendBy(10_000, 0, 12_000)).toBe(2_000)
    expect(overspendBy(-500, 0, 3_000)).toBe(3_000)
    expect(overspendBy(0, 3_000, 2_000)).toBe(0)
  })
})

describe('weekly figures', () => {
  it('counts requests by the week they came in and hours by the week of the shift', () => {
    const weeks = weeklyStaffingFigures(
      today,
      {
        requests: [{ requestedOn: '2020-04-13' }, { requestedOn: '2020-04-08' }],
        shifts: [{ shiftOn: '2020-04-14', minutes: 480, peopleNeeded: 2 }],
        deployments: [{ shiftOn: '2020-04-14', minutes: 480 }],
      },
      2,
    )
    expect(weeks).toEqual([
      { weekStart: '2020-04-06', requests: 1, hoursRequested: 0, hoursFilled: 0 },
      { weekStart: '2020-04-13', requests: 1, hoursRequested: 16, hoursFilled: 8 },
    ])
  })
})
