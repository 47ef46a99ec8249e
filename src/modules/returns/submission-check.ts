import { isDeepStrictEqual } from 'node:util'
import type { DbOrTransaction } from '../../db/database.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { carriedForward, currentDataset, type FieldError, type ReturnValues } from './domain/dataset.ts'
import { type NilReasonKind, timingUnder } from './domain/exceptions.ts'
import { type Frequency, type Period, periodContaining, periodStarting } from './domain/periods.ts'
import { parseReturnAt } from './return-history.ts'
import type { Prepared, ReturnSource, SubmissionHook } from './return-save.ts'
import { locationReference, submissionContext } from './returns.repository.ts'

// A submission checked, short of saving it: scope, period, window, amendment reason and the figures.

export type SubmitOptions = {
  periodStart?: string
  // The API names a period by its first day, and a location by CareHub id or CQC location ID.
  periodStartMustBeFirstDay?: boolean
  locationByCqcId?: boolean
  nothingChanged?: boolean
  // A nil return (nil-return.ts): no figures, with why.
  nil?: { reason: NilReasonKind; details: string | null }
  amendmentReason?: string
  // The version of the period's return the person saw and is changing (0: none). When another version
  // has been saved since, nothing is saved and the outcome is a `conflict` (optimistic concurrency).
  // Without it, the version seen when the return is checked is the one that must still be the latest.
  amendsVersion?: number
  source?: ReturnSource
  // This submission's own hook, with the composition root's (the API's idempotent answer).
  hook?: SubmissionHook
  // The hooks' follow-ups (the risk rules) are left to their jobs, not run before the answer (the API:
  // a care-record system sends a whole group's returns at once and needs only to know each was saved).
  followUpLater?: boolean
}

export type SubmitOutcome =
  | { ok: true; returnId: string; version: number; period: Period; locationId: string }
  | { ok: false; errors: FieldError[] }
  | { ok: false; notFound: true }
  | { ok: false; unclaimed: true }
  | { ok: false; conflict: { version: number } }

// Who may report for a location: its own provider's managers; council and partner officers on a
// provider's behalf (during a call), recorded as such. Viewers only read.
export function mayReport(actor: Actor): boolean {
  return can(actor, 'returns:report')
}

// The location, its period (each frequency's, as the statement does not know the frequency yet), its
// window and timing, and whether the period has a return already, read in one statement.
async function contextFor(
  db: DbOrTransaction,
  now: Date,
  actor: Actor,
  reference: string,
  options: SubmitOptions,
) {
  const located = locationReference(reference, options.locationByCqcId)
  // An unusable reference: no query, so no claim made either.
  if (!located) return { claimed: undefined, found: null }
  const periods = Object.fromEntries(
    (['daily', 'weekly', 'monthly'] as const).map((f) => [
      f,
      options.periodStart ? periodStarting(f, options.periodStart) : periodContaining(f, now),
    ]),
  ) as Record<Frequency, Period>
  const { claimed, found } = await submissionContext(db, locationScope(actor), located, periods, {
    nothingChanged: options.nothingChanged,
    claim: options.hook?.claim,
  })
  if (!found) return { claimed, found: null }
  const { location, template, exception, existing, latest } = found
  const period = periods[template.frequency]
  return {
    claimed,
    found: {
      location,
      period,
      frequency: template.frequency,
      timing: timingUnder(period, template.window, now, exception),
      existing,
      previous: latest && latest.periodStart < period.start ? latest : null,
    },
  }
}

// Everything short of saving: scope, period, window, amendment reason and the figures themselves.
export async function checkSubmission(
  db: DbOrTransaction,
  now: Date,
  actor: Actor,
  locationId: string,
  raw: Record<string, unknown>,
  options: SubmitOptions,
): Promise<{ ok: true; prepared: Prepared } | Exclude<SubmitOutcome, { ok: true }>> {
  const claim = options.hook?.claim
  if (!mayReport(actor)) return claim ? { ok: false, unclaimed: true } : { ok: false, notFound: true }
  const { claimed, found: form } = await contextFor(db, now, actor, locationId, options)
  if (claim && !claimed) return { ok: false, unclaimed: true }
  if (!form) return { ok: false, notFound: true }
  const seenVersion = form.existing?.version ?? 0
  if (options.amendsVersion !== undefined && options.amendsVersion !== seenVersion)
    return { ok: false, conflict: { version: seenVersion } }
  const errors: FieldError[] = []
  if (options.periodStartMustBeFirstDay && options.periodStart && form.period.start !== options.periodStart)
    errors.push({
      field: 'period',
      message: `This location reports ${form.frequency}: the period must be given by its first day, like ${form.period.start}`,
    })
  else if (form.period.start > periodContaining(form.frequency, now).start)
    errors.push({ field: 'period', message: 'You cannot report for a period that has not started' })
  else if (form.timing === 'not-open')
    errors.push({ field: 'period', message: 'This return is not open yet' })
  const isOfficer = actor.role !== 'provider_manager'
  if (form.timing === 'locked' && !isOfficer)
    errors.push({ field: 'period', message: 'This period is locked. Ask the council to amend it' })
  const reason = (options.amendmentReason ?? '').trim()
  // Completing figures the capacity tracker already gave is not a correction, so needs no reason.
  const needsReason = form.existing && form.existing.source !== 'import' && !reason
  const reasonAt = errors.length
  if (form.timing === 'locked' && isOfficer && !reason)
    errors.push({ field: 'amendmentReason', message: 'Enter why a locked period is being changed' })
  const reasonTooLong = tooLong('The reason for the change', reason, textLimits.amendmentReason)
  if (reasonTooLong) errors.push({ field: 'amendmentReason', message: reasonTooLong })
  let values: ReturnValues = {}
  if (options.nil) {
    // No figures: nothing to check.
  } else if (options.nothingChanged) {
    if (!form.previous)
      return { ok: false, errors: [{ field: 'period', message: 'There is no earlier return to repeat' }] }
    values = carriedForward(currentDataset, form.previous.values)
  } else {
    const parsed = await parseReturnAt(db, form.location, form.period.start, raw)
    if (!parsed.ok) errors.push(...parsed.errors)
    values = parsed.values
  }
  // Unless it is the same person sending what arrived already (the answer to the first was lost).
  const existing = form.existing
  const resent =
    existing !== null &&
    options.amendsVersion === undefined &&
    existing.submittedBy === actor.userId &&
    existing.nilReturn === (options.nil !== undefined) &&
    // (A nil return's figures are always none: its reason and details tell one from another.)
    existing.nilReason === (options.nil?.reason ?? null) &&
    existing.nilDetails === (options.nil?.details ?? null) &&
    isDeepStrictEqual(existing.values, JSON.parse(JSON.stringify(values)))
  if (needsReason && !resent)
    errors.splice(reasonAt, 0, {
      field: 'amendmentReason',
      message: 'Enter why you are changing this return',
    })
  if (errors.length) return { ok: false, errors }
  return {
    ok: true,
    prepared: {
      locationId: form.location.id,
      frequency: form.frequency,
      period: form.period,
      timing: form.timing,
      values,
      nothingChanged: Boolean(options.nothingChanged),
      nil: options.nil,
      reason,
      source: options.source ?? (isOfficer ? 'officer' : 'web'),
      firstVersion: !form.existing,
      replacesVersion: options.amendsVersion ?? (form.existing ? seenVersion : null),
    },
  }
}
