import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import type { DatasetField, ReturnValues } from './domain/dataset.ts'
import { periodStartsAt, timingUnder } from './domain/exceptions.ts'
import { rowReturn, shownValue, siteFields, siteInput } from './domain/multi-site-return.ts'
import { type Period, periodToReport } from './domain/periods.ts'
import type { Prepared, ReturnSaver } from './return-save.ts'
import { currentAndLatest, openLocationsWithTemplates } from './returns.repository.ts'
import { checkSubmission } from './submission-check.ts'

// Today's return for all of a provider manager's locations on one page (issue 19). Each filled row is a
// whole return (domain/multi-site-return.ts), checked by the single form's checks (checkSubmission:
// scope, period, window and the dataset's rules) and saved through the one save path (return-save.ts,
// ADR 7), all in one transaction: every row is saved, or none is.

// Where a location's return for this period stands on the page.
export type SiteState =
  // Open, not sent: its row takes figures.
  | 'to-report'
  // Sent already: shown, changed on its own form.
  | 'sent'
  | 'not-open'
  | 'locked'
  // No earlier return to carry the other figures from: the full form first.
  | 'needs-full-return'

export type SiteRow = {
  locationId: string
  name: string
  serviceType: ServiceType
  period: Period
  frequency: string
  state: SiteState
  late: boolean
  // The version of this period's return a save replaces: 0, or the capacity tracker's import.
  amendsVersion: number
  lastPeriodStart: string | null
  cells: { key: string; heading: string; field: DatasetField | null; input: string; last: string }[]
  // For the save: the last return, and figures the tracker gave for this period.
  last: ReturnValues | null
  imported: ReturnValues | null
}

// A problem with one row (a field of it, or the row as a whole: `input` is then its first input).
export type SiteError = { locationId: string | null; input: string; message: string }

export type MultiSiteOutcome =
  | { ok: true; saved: number }
  | { ok: false; errors: SiteError[]; typed: Record<string, string> }

const text = (value: unknown) => (typeof value === 'string' ? value : '')

export function createMultiSiteReturnService(deps: { db: Db; clock: Clock; saver: ReturnSaver }) {
  const { db, clock, saver } = deps

  // The page: only a provider manager's own open locations (the service's scope, not the page's).
  async function table(actor: Actor): Promise<SiteRow[] | null> {
    if (actor.role !== 'provider_manager') return null
    const now = clock.now()
    const rows: SiteRow[] = []
    for (const { location, template, exception } of await openLocationsWithTemplates(
      db,
      locationScope(actor),
      periodStartsAt(now),
    )) {
      // As on the location's own form: the week before, while this week's return is not open yet.
      const period = periodToReport(template.frequency, template.window, now)
      const { existing, latest } = await currentAndLatest(db, location.id, period.start)
      const last = latest && latest.periodStart < period.start ? latest : null
      const imported = existing?.source === 'import' ? existing : null
      const timing = timingUnder(period, template.window, now, exception)
      const state: SiteState =
        existing && !imported
          ? 'sent'
          : timing === 'not-open'
            ? 'not-open'
            : timing === 'locked'
              ? 'locked'
              : !last
                ? 'needs-full-return'
                : 'to-report'
      const shown = existing && !imported ? existing.values : last?.values
      const serviceType = location.serviceType as ServiceType
      rows.push({
        locationId: location.id,
        name: location.name,
        serviceType,
        period,
        frequency: template.frequency,
        state,
        late: timing === 'late',
        amendsVersion: imported?.version ?? 0,
        lastPeriodStart: last?.periodStart ?? null,
        cells: siteFields(serviceType).map(({ column, field }) => ({
          key: column.key,
          heading: column.heading,
          field,
          input: field ? siteInput(location.id, field.key) : '',
          last: field && shown ? shownValue(shown[field.key]) : '',
        })),
        last: last?.values ?? null,
        imported: imported?.values ?? null,
      })
    }
    return rows
  }

  // Checks every filled row, then saves all of them in one transaction, or none with each row's problems.
  async function submit(actor: Actor, posted: Record<string, unknown>): Promise<MultiSiteOutcome | null> {
    const rows = await table(actor)
    if (!rows) return null
    const now = clock.now()
    const typed: Record<string, string> = {}
    const errors: SiteError[] = []
    const prepared: Prepared[] = []
    const open = rows.filter((r) => r.state === 'to-report')
    for (const row of open) {
      const asked = row.cells.filter((c) => c.field)
      const given: Record<string, string> = {}
      for (const cell of asked) {
        typed[cell.input] = text(posted[cell.input]).trim()
        given[cell.field!.key] = typed[cell.input]!
      }
      // A row left empty is left out: the others may still be sent.
      if (Object.values(given).every((v) => v === '')) continue
      const raw = rowReturn(row.serviceType, row.last, row.imported, given)
      const checked = await checkSubmission(db, now, actor, row.locationId, raw, {
        periodStart: row.period.start,
        amendsVersion: row.amendsVersion,
      })
      const firstInput = asked[0]!.input
      if (checked.ok) prepared.push(checked.prepared)
      else if ('errors' in checked)
        for (const e of checked.errors) {
          const cell = asked.find((c) => c.field!.key === e.field)
          errors.push({
            locationId: row.locationId,
            input: cell?.input ?? firstInput,
            // A figure carried from the last return is changed on the location's own form.
            message: cell
              ? `${row.name}: ${e.message}`
              : `${row.name}: ${e.message} (a figure from the last return: change it on ${row.name}’s own return)`,
          })
        }
      else if ('conflict' in checked)
        errors.push({
          locationId: row.locationId,
          input: firstInput,
          message: `${row.name}: a return was sent for it meanwhile. Check it before sending another`,
        })
      else errors.push({ locationId: row.locationId, input: firstInput, message: `${row.name}: not found` })
    }
    if (errors.length) return { ok: false, errors, typed }
    if (prepared.length === 0)
      return {
        ok: false,
        errors: [
          {
            locationId: null,
            input: open[0]?.cells.find((c) => c.field)?.input ?? 'main-content',
            message: 'Enter today’s figures for at least one location',
          },
        ],
        typed,
      }
    const saved = await saver.saveMany(actor, prepared, now, { allOrNone: true })
    if (saved.ok) return { ok: true, saved: prepared.length }
    const row = open.find((r) => r.locationId === prepared[saved.index]!.locationId)!
    return {
      ok: false,
      errors: [
        {
          locationId: row.locationId,
          input: row.cells.find((c) => c.field)!.input,
          message: `${row.name}: a return was sent for it meanwhile. Nothing was saved: check it, then send the others again`,
        },
      ],
      typed,
    }
  }

  return { table, submit }
}

export type MultiSiteReturnService = ReturnType<typeof createMultiSiteReturnService>
