import { describe, expect, it } from 'vitest'
import { defaultWindows } from '../../returns/index.ts'
import {
  latestDuePeriod,
  measuresFor,
  periodsWithoutReturn,
  type ReportingContext,
  summariseReturns,
} from './measures.ts'

const careHome: ReportingContext = {
  serviceType: 'care_home_residential',
  frequency: 'daily',
  window: defaultWindows.daily,
  extraHours: 0,
  openSince: '2020-01-01',
}
const homeCare: ReportingContext = {
  serviceType: 'home_care',
  frequency: 'weekly',
  window: { opensAfterHours: 72, dueAfterHours: 108, locksAfterHours: 336 },
  extraHours: 0,
  openSince: '2020-01-01',
}
// Monday 23 November 2026, 14:00 in London (GMT): today's daily return was due at 11:00.
const now = new Date('2026-11-23T14:00:00Z')
const today = '2026-11-23'

const ret = (
  periodStart: string,
  values: Record<string, unknown>,
  frequency: 'daily' | 'weekly' = 'daily',
) => ({
  id: `r-${periodStart}`,
  periodStart,
  frequency,
  submittedAt: new Date(`${periodStart}T08:14:00Z`),
  values: values as Record<string, number | boolean | string | null>,
})

const full = {
  ppeDaysGloves: 10,
  ppeDaysAprons: 4,
  ppeDaysTypeIirMasks: 12,
  ppeDaysFfp3Masks: null,
  ppeDaysEyeProtection: 9,
  ppeDaysHandSanitiser: 30,
  staffEmployed: 40,
  staffAbsentCovid: 3,
  staffAbsentOther: 2,
  bedsAvailable: 30,
  bedsOccupied: 26,
  closedToAdmissions: true,
  helpRequested: 'ppe,staffing',
  confirmedCasesResidents: 1,
  confirmedCasesStaff: 2,
  suspectedCasesResidents: 1,
  suspectedCasesStaff: 0,
  covidDeathsResidents: 1,
  otherDeathsResidents: 1,
  covidDeathsStaff: 0,
}

describe('measuresFor', () => {
  it('works out each measure from the latest return and the 14- and 7-day windows', () => {
    const summary = summariseReturns(
      [
        ret('2026-11-23', full),
        ret('2026-11-20', { ...full, ppeDaysAprons: 1 }),
        ret('2026-11-16', { ...full, covidDeathsResidents: 5 }), // 8 days ago: out of the 7-day window
        ret('2026-11-09', { ...full, confirmedCasesResidents: 50 }), // 15 days ago: out of both
      ],
      today,
    )
    const m = measuresFor(summary, careHome, now)
    expect(m).toEqual({
      lowestPpeDays: 4,
      lowestPpeItem: 'aprons',
      staffAbsencePercent: 12.5,
      newConfirmedCases14Days: 9,
      suspectedCases14Days: 3,
      deaths7Days: 4,
      vacancies: 4,
      admissionsClosed: true,
      helpRequested: true,
      helpRequestedKinds: ['ppe', 'staffing'],
      periodsWithoutReturn: 0,
    })
  })

  it('measures that do not apply, or without any recent return, are unknown', () => {
    const m = measuresFor(summariseReturns([ret('2026-11-01', full)], today), careHome, now)
    expect(m.lowestPpeDays).toBeNull()
    expect(m.newConfirmedCases14Days).toBeNull()
    expect(m.helpRequested).toBeNull()
    expect(m.periodsWithoutReturn).toBe(22) // 2 Nov to 23 Nov
    const { bedsAvailable, bedsOccupied, closedToAdmissions, ...agency } = full
    const weekly = measuresFor(summariseReturns([ret('2026-11-16', agency, 'weekly')], today), homeCare, now)
    expect(weekly.vacancies).toBeNull()
    expect(weekly.admissionsClosed).toBeNull()
    expect(weekly.newConfirmedCases14Days).toBe(3)
    expect(weekly.periodsWithoutReturn).toBe(0)
  })

  it('counts only periods whose return is due, and not before the location opened', () => {
    // Before 11:00 today's daily return is not due yet.
    expect(latestDuePeriod('daily', defaultWindows.daily, 0, new Date('2026-11-23T10:00:00Z')).start).toBe(
      '2026-11-22',
    )
    expect(latestDuePeriod('daily', defaultWindows.daily, 0, now).start).toBe('2026-11-23')
    expect(periodsWithoutReturn(careHome, '2026-11-21', now)).toBe(2)
    expect(periodsWithoutReturn(careHome, '2026-11-23', now)).toBe(0)
    expect(periodsWithoutReturn({ ...careHome, openSince: '2026-11-22' }, null, now)).toBe(2)
    expect(periodsWithoutReturn({ ...careHome, openSince: null }, null, now)).toBeNull()
    // Weekly: the week of 23 Nov is due on Friday, so the latest due week starts 16 Nov.
    expect(periodsWithoutReturn(homeCare, '2026-11-02', now)).toBe(2)
    expect(periodsWithoutReturn(homeCare, '2026-11-16', now)).toBe(0)
    // A 48-hour agreed extension moves the deadline.
    expect(periodsWithoutReturn({ ...careHome, extraHours: 48 }, '2026-11-20', now)).toBe(1)
    // An agreed exemption up to 22 Nov: those days count as reported, so only the 23rd is without one.
    const days = (from: string, through: string) => [{ from, through }]
    const exemptCare = (from: string, through: string) => ({ ...careHome, exempted: days(from, through) })
    expect(periodsWithoutReturn(exemptCare('2026-11-12', '2026-11-22'), '2026-11-10', now)).toBe(1)
    expect(periodsWithoutReturn(exemptCare('2026-11-01', '2026-11-05'), '2026-11-21', now)).toBe(2)
    // Weekly: a week sharing any day with an exemption counts as reported (the returns' rule), however
    // the exemption falls in it; one starting after the latest due week hides none before it.
    const exemptWeek = (from: string, through: string) => ({ ...homeCare, exempted: days(from, through) })
    expect(periodsWithoutReturn(exemptWeek('2026-11-18', '2026-11-19'), '2026-11-02', now)).toBe(0)
    expect(periodsWithoutReturn(exemptWeek('2026-11-11', '2026-11-17'), '2026-11-02', now)).toBe(0)
    expect(periodsWithoutReturn(exemptWeek('2026-11-09', '2026-11-09'), '2026-11-02', now)).toBe(1)
    expect(periodsWithoutReturn(exemptWeek('2026-11-23', '2026-11-23'), '2026-11-02', now)).toBe(2)
  })
})

describe('periodStartOn', () => {
  it('agrees with the calendar periods', async () => {
    const { periodStartOn } = await import('./measures.ts')
    const { periodContaining } = await import('../../returns/index.ts')
    for (let day = 0; day < 800; day += 3) {
      const iso = new Date(Date.UTC(2019, 0, 1 + day, 12)).toISOString().slice(0, 10)
      for (const f of ['daily', 'weekly', 'monthly'] as const)
        expect(periodStartOn(f, iso)).toBe(periodContaining(f, new Date(`${iso}T12:00:00Z`)).start)
    }
  })
})
