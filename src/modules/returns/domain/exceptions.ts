import { dateInWords, isoDateFromParts } from '../../../domain/dates.ts'
import type { FieldError } from './dataset.ts'
import {
  type Frequency,
  type Period,
  periodContaining,
  periodStarting,
  type ReturnWindow,
  type Timing,
  timingOf,
} from './periods.ts'

// Agreed exceptions per location and nil returns: the pure rules. Pure: today is passed in.

export const exceptionKinds = ['later-deadline', 'exempt'] as const
export type ExceptionKind = (typeof exceptionKinds)[number]

// The exception that applies to one location's period (none: null). When several overlap, an exemption
// wins over a later deadline, and the latest deadline over an earlier one (see exceptionApplying).
export type AppliedException = {
  id: string
  kind: ExceptionKind
  extraHours: number
  reason: string
  startsOn: string
  lastDay: string | null
}

// The hours a location's deadline moves (an exemption moves none: no return is expected at all).
export const extraHoursOf = (exception: AppliedException | null) =>
  exception?.kind === 'later-deadline' ? exception.extraHours : 0

// Each frequency's period start containing `now`, or the period starting on (or containing) `day`: the
// periods a statement asks the exception of before it knows the location's frequency.
export function periodStartsAt(now: Date, day?: string): Record<Frequency, string> {
  const start = (f: Frequency) => (day ? periodStarting(f, day) : periodContaining(f, now)).start
  return { daily: start('daily'), weekly: start('weekly'), monthly: start('monthly') }
}

// A return's timing under the location's exception: within its later deadline is on time; a return
// sent for an exempt period (none was expected) is never late, though a locked period stays locked.
export function timingUnder(
  period: Period,
  window: ReturnWindow,
  at: Date,
  exception: AppliedException | null,
): Timing {
  const timing = timingOf(period, window, at, extraHoursOf(exception))
  return exception?.kind === 'exempt' && timing === 'late' ? 'on-time' : timing
}

// "Due 2 hours later than usual, from 1 December 2026 until 7 December 2026"
export function exceptionInWords(e: {
  kind: ExceptionKind
  extraHours: number
  startsOn: string
  lastDay: string | null
}): string {
  const what =
    e.kind === 'exempt'
      ? 'No return expected'
      : `Due ${e.extraHours} ${e.extraHours === 1 ? 'hour' : 'hours'} later than usual`
  const from = e.startsOn <= '2000-01-01' ? '' : ` from ${dateInWords(e.startsOn)}`
  return `${what}${from}${e.lastDay ? ` until ${dateInWords(e.lastDay)}` : ''}`
}

// The exception form as typed.
export type ExceptionDraft = {
  kind: string
  extraHours: string
  startsDay: string
  startsMonth: string
  startsYear: string
  lastDay: string
  lastMonth: string
  lastYear: string
  reason: string
}

export type CheckedException = {
  kind: ExceptionKind
  extraHours: number
  startsOn: string
  lastDay: string | null
  reason: string
}

export const exceptionLimits = { reason: 1000, maxExtraHours: 720, maxDays: 366 } as const

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000

// Checks a grant as the officer typed it. Every problem is named by its field, in the form's order.
export function checkException(
  draft: ExceptionDraft,
  today: string,
): { ok: true; value: CheckedException } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const kind = (exceptionKinds as readonly string[]).includes(draft.kind)
    ? (draft.kind as ExceptionKind)
    : null
  if (!kind) errors.push({ field: 'kind', message: 'Select a later deadline or no return expected' })
  let extraHours = 0
  if (kind === 'later-deadline') {
    const typed = draft.extraHours.trim()
    if (!typed) errors.push({ field: 'extraHours', message: 'Enter how many hours later the return is due' })
    else if (!/^\d{1,4}$/.test(typed) || Number(typed) < 1 || Number(typed) > exceptionLimits.maxExtraHours)
      errors.push({
        field: 'extraHours',
        message: `Hours later must be a whole number from 1 to ${exceptionLimits.maxExtraHours}`,
      })
    else extraHours = Number(typed)
  }
  const startsOn = isoDateFromParts({
    day: draft.startsDay,
    month: draft.startsMonth,
    year: draft.startsYear,
  })
  if (!startsOn)
    errors.push({ field: 'startsDate', message: 'Enter the first day as a real date, like 1 12 2026' })
  else if (dayNumber(startsOn) < dayNumber(today) - 31)
    errors.push({ field: 'startsDate', message: 'The first day must be no more than 31 days ago' })
  const lastTyped = [draft.lastDay, draft.lastMonth, draft.lastYear].some((p) => p.trim())
  let lastDay: string | null = null
  if (lastTyped) {
    lastDay = isoDateFromParts({ day: draft.lastDay, month: draft.lastMonth, year: draft.lastYear })
    if (!lastDay)
      errors.push({ field: 'lastDate', message: 'Enter the last day as a real date, like 7 12 2026' })
    else if (startsOn && lastDay < startsOn)
      errors.push({ field: 'lastDate', message: 'The last day must be the same as or after the first day' })
    else if (startsOn && dayNumber(lastDay) - dayNumber(startsOn) >= exceptionLimits.maxDays)
      errors.push({
        field: 'lastDate',
        message: 'An exception can last a year at most: give an earlier last day',
      })
  } else if (kind === 'exempt')
    errors.push({ field: 'lastDate', message: 'Enter the last day no return is expected' })
  const reason = draft.reason.trim()
  if (!reason) errors.push({ field: 'reason', message: 'Enter why the exception is agreed' })
  else if (reason.length > exceptionLimits.reason)
    errors.push({
      field: 'reason',
      message: `The reason must be ${exceptionLimits.reason} characters or fewer`,
    })
  if (errors.length || !kind || !startsOn) return { ok: false, errors }
  return { ok: true, value: { kind, extraHours, startsOn, lastDay, reason } }
}

// Why a location has nothing to report this period.
export const nilReasons = [
  { value: 'no-people-supported', label: 'No residents or people supported this period' },
  { value: 'temporarily-closed', label: 'Temporarily closed' },
  { value: 'other', label: 'Another reason' },
] as const
export type NilReasonKind = (typeof nilReasons)[number]['value']

export const nilReasonLabel = (value: string | null) =>
  nilReasons.find((r) => r.value === value)?.label ?? 'Nothing to report'

// A nil return's reason in one line, as the returns export writes it: the reason's words as the web
// shows them, then the provider's details, if any.
export const nilReasonInWords = (reason: string | null, details: string | null) =>
  details ? `${nilReasonLabel(reason)}: ${details}` : nilReasonLabel(reason)

export const nilDetailsLimit = 1000

export function checkNilReturn(draft: {
  nilReason: string
  nilDetails: string
}):
  | { ok: true; value: { nilReason: NilReasonKind; nilDetails: string | null } }
  | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const reason = nilReasons.find((r) => r.value === draft.nilReason)?.value
  if (!reason) errors.push({ field: 'nilReason', message: 'Select why there is nothing to report' })
  const details = draft.nilDetails.trim()
  if (reason === 'other' && !details)
    errors.push({ field: 'nilDetails', message: 'Enter why there is nothing to report' })
  else if (details.length > nilDetailsLimit)
    errors.push({
      field: 'nilDetails',
      message: `The details must be ${nilDetailsLimit} characters or fewer`,
    })
  if (errors.length || !reason) return { ok: false, errors }
  return { ok: true, value: { nilReason: reason, nilDetails: details || null } }
}
