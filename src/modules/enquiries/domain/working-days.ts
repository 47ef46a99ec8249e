import { addDaysToIsoDate, londonDate, londonInstant, weekdayOf } from '../../../domain/dates.ts'

// Bank holidays in England and Wales, 2020–2027 (from GOV.UK's list, substitute days included).
// A fixed list: extend it each year; a date outside it counts only weekends as non-working.
export const englandBankHolidays: ReadonlySet<string> = new Set([
  '2020-01-01',
  '2020-04-10',
  '2020-04-13',
  '2020-05-08',
  '2020-05-25',
  '2020-08-31',
  '2020-12-25',
  '2020-12-28',
  '2021-01-01',
  '2021-04-02',
  '2021-04-05',
  '2021-05-03',
  '2021-05-31',
  '2021-08-30',
  '2021-12-27',
  '2021-12-28',
  '2022-01-03',
  '2022-04-15',
  '2022-04-18',
  '2022-05-02',
  '2022-06-02',
  '2022-06-03',
  '2022-08-29',
  '2022-09-19',
  '2022-12-26',
  '2022-12-27',
  '2023-01-02',
  '2023-04-07',
  '2023-04-10',
  '2023-05-01',
  '2023-05-08',
  '2023-05-29',
  '2023-08-28',
  '2023-12-25',
  '2023-12-26',
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
])

export function isWorkingDay(isoDate: string, holidays: ReadonlySet<string> = englandBankHolidays): boolean {
  const weekday = weekdayOf(isoDate)
  return weekday !== 0 && weekday !== 6 && !holidays.has(isoDate)
}

// The date `days` working days after `isoDate` (the start day itself never counts).
export function addWorkingDays(
  isoDate: string,
  days: number,
  holidays: ReadonlySet<string> = englandBankHolidays,
): string {
  let date = isoDate
  let left = days
  while (left > 0) {
    date = addDaysToIsoDate(date, 1)
    if (isWorkingDay(date, holidays)) left -= 1
  }
  return date
}

export const defaultTargetWorkingDays = 2
export const minTargetWorkingDays = 1
export const maxTargetWorkingDays = 20

// An enquiry received at `receivedAt` is due by the end of the `days`th working day after the London
// day it arrived: asked on Friday afternoon with a 2-day target, it is due by the end of Tuesday.
export function enquiryDueAt(receivedAt: Date, days: number): Date {
  const dueDay = addWorkingDays(londonDate(receivedAt), days)
  return londonInstant(addDaysToIsoDate(dueDay, 1))
}

// A stored target that is not a whole number in range falls back to the default.
export function targetFromSetting(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isInteger(n) && n >= minTargetWorkingDays && n <= maxTargetWorkingDays
    ? n
    : defaultTargetWorkingDays
}
