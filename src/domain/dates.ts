import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'

// Dates typed into GOV.UK date inputs, and London calendar days. Pure: the caller passes the instant.
export const londonZone = 'Europe/London'

export type DateParts = { day: string; month: string; year: string }

// A real calendar date from day, month and year fields, as an ISO date; null when it is not one.
export function isoDateFromParts(parts: DateParts): string | null {
  const [d, m, y] = [parts.day, parts.month, parts.year].map((s) => s.trim())
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return null
  const day = Number(d)
  const month = Number(m)
  const year = Number(y)
  const probe = new Date(Date.UTC(year, month - 1, day))
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return null
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// A date written the ISO way (2020-04-27) that is on the calendar: not 2020-02-30, not 2020-4-7.
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const [year, month, day] = value.split('-').map(Number) as [number, number, number]
  const probe = new Date(0)
  probe.setUTCFullYear(year, month - 1, day)
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

export function partsFromIsoDate(iso: string | null | undefined): DateParts {
  if (!iso) return { day: '', month: '', year: '' }
  const [y, m, d] = iso.split('-')
  return { day: String(Number(d)), month: String(Number(m)), year: y ?? '' }
}

// The London calendar day of an instant. London's offsets are whole hours, so the day changes on a
// whole UTC hour: the answer is remembered per hour (time-zone arithmetic is slow, and hot paths ask often).
const hourMs = 3_600_000
const dayOfHour = new Map<number, string>()

export function londonDate(instant: Date): string {
  const hour = Math.floor(instant.getTime() / hourMs)
  let day = dayOfHour.get(hour)
  if (day === undefined) {
    if (dayOfHour.size >= 50_000) dayOfHour.clear()
    day = format(new TZDate(hour * hourMs, londonZone), 'yyyy-MM-dd')
    dayOfHour.set(hour, day)
  }
  return day
}

// The London wall-clock time of an instant, as HH:mm.
export function londonTime(instant: Date): string {
  return format(new TZDate(instant.getTime(), londonZone), 'HH:mm')
}

// The instant of a London date and wall-clock time (built from parts: no string parsing of zones).
export function londonInstant(isoDate: string, hours = 0, minutes = 0): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(y, m - 1, d, hours, minutes, 0, londonZone).getTime())
}

export function addDaysToIsoDate(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

// 0 = Sunday … 6 = Saturday, of an ISO date (no time zone involved).
export function weekdayOf(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}
