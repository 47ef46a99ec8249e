import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { currentDataset, datasetVersion, type FieldError, sectionsFor } from './domain/dataset.ts'
import { exceptionInWords, nilReasonLabel, periodStartsAt, timingUnder } from './domain/exceptions.ts'
import { periodContaining, periodStarting, periodToReport, returnState } from './domain/periods.ts'
import { parseReturnAt } from './return-history.ts'
import type { Prepared, ReturnSaver, SaveResult } from './return-save.ts'
import {
  currentAndLatest,
  locationForReturn,
  locationReference,
  openLocationsWithTemplates,
  returnHistory,
  returnWithSubmitter,
  templateFor,
  visibleLocation,
} from './returns.repository.ts'
import { checkSubmission, mayReport, type SubmitOptions, type SubmitOutcome } from './submission-check.ts'

export type { SubmitOptions, SubmitOutcome } from './submission-check.ts'

// Why an upload's row could not be saved after all, having been checked.
const arrivedMeanwhile = 'A return for this period arrived meanwhile: give a reason to change it'
const changedMeanwhile = 'This return was changed meanwhile: check the latest version, then upload again'

export function createReturnsService(deps: { db: Db; clock: Clock; saver: ReturnSaver }) {
  const { db, clock, saver } = deps

  // The provider manager's home: each open location with this period's status.
  async function todaysReturns(actor: Actor) {
    if (actor.role !== 'provider_manager') return []
    const now = clock.now()
    const rows = []
    for (const { location, template, exception, extraHours } of await openLocationsWithTemplates(
      db,
      locationScope(actor),
      periodStartsAt(now),
    )) {
      const period = periodContaining(template.frequency, now)
      const { existing, latest } = await currentAndLatest(db, location.id, period.start)
      rows.push({
        ...location,
        period,
        state: returnState(period, template.window, now, existing?.submittedAt ?? null, extraHours),
        exception,
        hasPrevious: latest !== null && latest.periodStart !== period.start,
      })
    }
    return rows
  }

  // Everything the form needs: the location, the period (without one asked for, the period to report now:
  // the one before, while this one's return is not open yet), the sections for its service type, and
  // any figures already given (this period's return, or the last one for "nothing changed").
  async function formFor(actor: Actor, locationId: string, periodStart?: string) {
    if (!mayReport(actor) || !isUuid(locationId)) return null
    const now = clock.now()
    const found = await locationForReturn(
      db,
      locationScope(actor),
      locationReference(locationId)!,
      periodStartsAt(now, periodStart),
    )
    if (!found) return null
    const { location, template, exception } = found
    const period = periodStart
      ? periodStarting(template.frequency, periodStart)
      : periodToReport(template.frequency, template.window, now)
    const { existing, latest: previous } = await currentAndLatest(db, location.id, period.start)
    return {
      location,
      period,
      frequency: template.frequency,
      timing: timingUnder(period, template.window, now, exception),
      exception: exception ? { ...exception, inWords: exceptionInWords(exception) } : null,
      sections: sectionsFor(currentDataset, location.serviceType as ServiceType),
      existing,
      previous: previous && previous.periodStart < period.start ? previous : null,
    }
  }

  // One return, through the one save path (return-save.ts), with this submission's own hook if any.
  async function submit(
    actor: Actor,
    locationId: string,
    raw: Record<string, unknown>,
    options: SubmitOptions = {},
  ): Promise<SubmitOutcome> {
    const now = clock.now()
    const ready = await checkSubmission(db, now, actor, locationId, raw, options)
    if (!ready.ok) return ready
    const p = ready.prepared
    const result = await saver.saveOne(actor, p, now, {
      hook: options.hook,
      followUpLater: options.followUpLater,
    })
    if ('refused' in result)
      return {
        ok: false,
        errors: [{ field: 'amendmentReason', message: 'Enter why you are changing this return' }],
      }
    if ('conflictWith' in result) return { ok: false, conflict: { version: result.conflictWith } }
    const { returnId, version, period } = result.saved
    return { ok: true, returnId, version, period, locationId: p.locationId }
  }

  // Many returns at once (a bulk upload): every one is checked first; all are saved or none.
  async function submitMany(
    actor: Actor,
    submissions: { locationId: string; raw: Record<string, unknown>; options?: SubmitOptions }[],
  ): Promise<
    | { ok: true; saved: number }
    | { ok: false; problems: { index: number; errors: FieldError[]; notFound?: boolean }[] }
  > {
    const now = clock.now()
    const prepared: (Prepared & { index: number })[] = []
    const problems: { index: number; errors: FieldError[]; notFound?: boolean }[] = []
    for (const [index, s] of submissions.entries()) {
      const ready = await checkSubmission(db, now, actor, s.locationId, s.raw, s.options ?? {})
      if (ready.ok) prepared.push({ ...ready.prepared, index })
      else if ('errors' in ready) problems.push({ index, errors: ready.errors })
      else
        problems.push({
          index,
          errors: [{ field: 'location', message: 'Location not found, or not one of yours' }],
          notFound: true,
        })
    }
    const seen = new Map<string, number>()
    // Positions are those of the submissions as given, so a file's row numbers can be worked out.
    for (const p of prepared) {
      const key = `${p.locationId}/${p.period.start}`
      if (seen.has(key))
        problems.push({
          index: p.index,
          errors: [
            {
              field: 'location',
              message: `The same location and period appear twice (first as item ${seen.get(key)! + 1})`,
            },
          ],
        })
      else seen.set(key, p.index)
    }
    if (problems.length) return { ok: false, problems }
    const saved = await saver.saveMany(actor, prepared, now, { allOrNone: true })
    if (saved.ok) return { ok: true, saved: prepared.length }
    const problem = (result: SaveResult) => ('conflictWith' in result ? changedMeanwhile : arrivedMeanwhile)
    return {
      ok: false,
      problems: [
        {
          index: saved.index,
          errors: [{ field: 'amendmentReason', message: problem(saved.result) }],
        },
      ],
    }
  }

  // Checks the figures without saving them (for the check-your-answers step).
  async function validate(
    actor: Actor,
    locationId: string,
    raw: Record<string, unknown>,
    options: { locationByCqcId?: boolean; periodStart?: string } = {},
  ): Promise<FieldError[]> {
    const location = await visibleLocation(db, locationScope(actor), locationId, options.locationByCqcId)
    if (!location) return [{ field: 'location', message: 'Location not found' }]
    // The period's first day, for the rules that read the returns before it (today's when not known).
    const periodStart = options.periodStart ?? londonDate(clock.now())
    const parsed = await parseReturnAt(db, location, periodStart, raw)
    return parsed.ok ? [] : parsed.errors
  }

  async function history(actor: Actor, locationId: string) {
    const location = await visibleLocation(db, locationScope(actor), locationId)
    if (!location) return null
    return { location, returns: await returnHistory(db, locationId) }
  }

  async function getReturn(actor: Actor, returnId: string) {
    if (!isUuid(returnId)) return null
    const row = await returnWithSubmitter(db, returnId)
    if (!row) return null
    const location = await visibleLocation(db, locationScope(actor), row.locationId)
    if (!location) return null
    // Old returns are shown with the definition they were made with.
    const definition = datasetVersion(row.datasetVersion) ?? currentDataset
    return {
      location,
      ret: row,
      sections: sectionsFor(definition, location.serviceType as ServiceType),
      // A nil return's reason in words (it has no figures to show).
      nilReason: row.nilReturn ? nilReasonLabel(row.nilReason) : null,
    }
  }

  return {
    todaysReturns,
    formFor,
    submit,
    submitMany,
    validate,
    history,
    getReturn,
    templateFor: (serviceType: string) => templateFor(db, serviceType),
  }
}

export type ReturnsService = ReturnType<typeof createReturnsService>
