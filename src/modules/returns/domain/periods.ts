import { TZDate } from '@date-fns/tz'
import {
  addDays,
  addHours,
  addMonths,
  addWeeks,
  format,
  startOfDay,
  startOfMonth,
  startOfWeek,
} from 'date-fns'
import { londonZone } from '../../../domain/dates.ts'

// Reporting periods and their windows, in UK local time (so 9 am stays 9 am across the clock change).

export type Frequency = 'daily' | 'weekly' | 'monthly'

// When a period's return opens, counts as on time, and locks, in hours from the start of the period.
export type ReturnWindow = { opensAfterHours: number; dueAfterHours: number; locksAfterHours: number }

export type Period = { frequency: Frequency; start: string; end: string } // ISO dates, [start, end)

export const defaultWindows: Record<Frequency, ReturnWindow> = {
  // A daily sitrep about today: open from midnight, due by 11 am, locked after 7 days.
  daily: { opensAfterHours: 0, dueAfterHours: 11, locksAfterHours: 7 * 24 },
  // A weekly return about the week: open from Thursday, due Friday noon, locked a fortnight after the week starts.
  weekly: { opensAfterHours: 3 * 24, dueAfterHours: 4 * 24 + 12, locksAfterHours: 14 * 24 },
  monthly: { opensAfterHours: 20 * 24, dueAfterHours: 35 * 24, locksAfterHours: 60 * 24 },
}

const iso = (d: Date) => format(d, 'yyyy-MM-dd')

// Time-zone arithmetic is slow (each TZDate asks Intl for the offset) and every return needs the same few
// answers, so they are remembered. London's offsets are whole hours, so every period boundary is a whole
// UTC hour: two instants in the same UTC hour are in the same period.
function remembered<T>(compute: (key: string) => T, limit = 5_000): (key: string) => T {
  const known = new Map<string, T>()
  return (key) => {
    let value = known.get(key)
    if (value === undefined) {
      if (known.size >= limit) known.clear()
      value = compute(key)
      known.set(key, value)
    }
    return value
  }
}

const hourMs = 3_600_000

// Local midnight (or noon) of an ISO date in London, built from its parts so no string parsing is involved.
function londonAt(isoDate: string, hour: number): TZDate {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number]
  return new TZDate(y, m - 1, d, hour, 0, 0, londonZone)
}

const periodInHour = remembered((key) => {
  const [frequency, hour] = key.split('|') as [Frequency, string]
  return computePeriodContaining(frequency, Number(hour) * hourMs)
})

export function periodContaining(frequency: Frequency, instant: Date): Period {
  const hour = Math.floor(instant.getTime() / hourMs)
  // A copy, so a caller that changes its period changes no one else's.
  return { ...periodInHour(`${frequency}|${hour}`) }
}

function computePeriodContaining(frequency: Frequency, instantMs: number): Period {
  const local = new TZDate(instantMs, londonZone)
  const start =
    frequency === 'daily'
      ? startOfDay(local)
      : frequency === 'weekly'
        ? startOfWeek(local, { weekStartsOn: 1 })
        : startOfMonth(local)
  const end =
    frequency === 'daily'
      ? addDays(start, 1)
      : frequency === 'weekly'
        ? addWeeks(start, 1)
        : addMonths(start, 1)
  return { frequency, start: iso(start), end: iso(end) }
}

// Every submission names its period by a date: the few dates of a morning are worked out once.
const periodOnDate = remembered((key) => {
  const at = key.indexOf('|')
  return periodContaining(key.slice(0, at) as Frequency, londonAt(key.slice(at + 1), 12))
})

export function periodStarting(frequency: Frequency, isoDate: string): Period {
  return { ...periodOnDate(`${frequency}|${isoDate}`) }
}

// The period "report now" means: the one under way, or, while its return is not open yet (a weekly
// return opens on Thursday), the one before it, so a form is never offered that cannot be sent.
export function periodToReport(frequency: Frequency, window: ReturnWindow, now: Date): Period {
  const current = periodContaining(frequency, now)
  return now < windowTimes(current, window).opensAt ? previousPeriod(current) : current
}

export function previousPeriod(period: Period): Period {
  const start = londonAt(period.start, 12)
  const before =
    period.frequency === 'daily'
      ? addDays(start, -1)
      : period.frequency === 'weekly'
        ? addWeeks(start, -1)
        : addMonths(start, -1)
  return periodContaining(period.frequency, before)
}

export type WindowTimes = { opensAt: Date; dueAt: Date; locksAt: Date }

// Local hours are added to local midnight, so a 9 am deadline is 9 am in both GMT and BST.
const localHoursAfterMidnight = remembered((key) => {
  const [start, hours] = key.split('|') as [string, string]
  const h = Number(hours)
  return addHours(addDays(londonAt(start, 0), Math.floor(h / 24)), h % 24).getTime()
})

export function windowTimes(period: Period, window: ReturnWindow, extraHours = 0): WindowTimes {
  const at = (hours: number) => new Date(localHoursAfterMidnight(`${period.start}|${hours}`))
  return {
    opensAt: at(window.opensAfterHours),
    dueAt: at(window.dueAfterHours + extraHours),
    locksAt: at(window.locksAfterHours + extraHours),
  }
}

export type Timing = 'not-open' | 'on-time' | 'late' | 'locked'

export function timingOf(period: Period, window: ReturnWindow, at: Date, extraHours = 0): Timing {
  const times = windowTimes(period, window, extraHours)
  if (at < times.opensAt) return 'not-open'
  if (at <= times.dueAt) return 'on-time'
  if (at < times.locksAt) return 'late'
  return 'locked'
}

// Today's status of a location's return, for the provider's home page and officers' lists.
export type ReturnState = 'not-due-yet' | 'due' | 'submitted' | 'late' | 'missing'

export function returnState(
  period: Period,
  window: ReturnWindow,
  now: Date,
  submittedAt: Date | null,
  extraHours = 0,
): ReturnState {
  const times = windowTimes(period, window, extraHours)
  if (submittedAt) return submittedAt <= times.dueAt ? 'submitted' : 'late'
  if (now < times.opensAt) return 'not-due-yet'
  if (now <= times.dueAt) return 'due'
  return 'missing'
}
