import { parse } from 'csv-parse/sync'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Scope } from '../../domain/policy.ts'
import {
  defaultTrackerMapping,
  mapTrackerRow,
  type TrackerMapping,
  type TrackerStatus,
} from './domain/capacity-tracker.ts'
import { periodStartsAt, timingUnder } from './domain/exceptions.ts'
import { periodContaining, periodStarting } from './domain/periods.ts'
import { parseReturnAt } from './return-history.ts'
import type { Prepared, ReturnSaver } from './return-save.ts'
import { currentSource, locationForReturn } from './returns.repository.ts'

export type TrackerImportResult = {
  rows: number
  saved: number
  unmatched: { rowNumber: number; cqcLocationId: string | null }[]
  invalid: { rowNumber: number; column: string; reason: string }[]
  alreadyReported: { rowNumber: number; cqcLocationId: string }[]
  // Red status flags raised as alerts, and earlier ones cleared by a non-red status.
  redFlagsRaised: number
  redFlagsCleared: number
}

// The tracker's own red, amber or green status for a location, as an extract gave it.
export type TrackerFlag = { locationId: string; status: TrackerStatus; trackerUpdatedOn: string | null }

// What another capability does with the statuses an extract gives, in the import's transaction, before
// the risk rules run (casework raises a red status as an alert on the location's case). Contributed in
// its index.ts (`contributes: { trackerStatusImported }`), like a return's save hooks (ADR 7), so the
// import does not reach into that capability.
export type TrackerStatusHook = (
  trx: DbOrTransaction,
  flags: readonly TrackerFlag[],
  by: { userId: string | null; organisationId: string | null; importName: string },
  at: Date,
) => Promise<{ raised: number; cleared: number }>

// Who imports: the user (none from the command line), their organisation and the locations they may
// import for; fileName names the extract in the note that clears an earlier red flag.
export type TrackerImporter = {
  userId: string | null
  organisationId: string | null
  scope: Scope
  fileName?: string
}

// Imports a capacity tracker extract as partial returns (source "import"), so providers are not asked
// again for what the tracker holds. Rows are matched on CQC location ID within the importer's scope;
// unmatched and invalid rows are reported; a period the provider has already reported is left alone.
// The returns are saved through the one save path (return-save.ts), like every other channel's.
export function createCapacityTrackerService(deps: {
  db: Db
  clock: Clock
  saver: ReturnSaver
  statusHooks: readonly TrackerStatusHook[]
}) {
  const { db, clock, saver, statusHooks } = deps

  async function importExtract(
    by: TrackerImporter,
    content: Buffer,
    mapping: TrackerMapping = defaultTrackerMapping,
  ): Promise<TrackerImportResult> {
    const records = parse(content, {
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[]
    const result: TrackerImportResult = {
      rows: records.length,
      saved: 0,
      unmatched: [],
      invalid: [],
      alreadyReported: [],
      redFlagsRaised: 0,
      redFlagsCleared: 0,
    }
    // The tracker's own status per location (the last row wins), whether or not its figures are saved.
    const flags = new Map<string, TrackerFlag>()
    const now = clock.now()
    const ready: Prepared[] = []
    const readyRows: { rowNumber: number; cqcLocationId: string }[] = []
    for (const [i, record] of records.entries()) {
      const row = mapTrackerRow(mapping, record, i + 2)
      if (row.problems.length) {
        result.invalid.push(...row.problems.map((p) => ({ rowNumber: row.rowNumber, ...p })))
        continue
      }
      const cqcLocationId = row.cqcLocationId!
      const found = await locationForReturn(
        db,
        by.scope,
        { column: 'locations.cqcLocationId', ref: cqcLocationId },
        periodStartsAt(now, row.date ?? undefined),
      )
      if (!found) {
        result.unmatched.push({ rowNumber: row.rowNumber, cqcLocationId: row.cqcLocationId })
        continue
      }
      const { location, template, exception } = found
      if (row.status)
        flags.set(location.id, { locationId: location.id, status: row.status, trackerUpdatedOn: row.date })
      // The tracker's status alone: no figures, so no return (it would count as reported, empty).
      if (Object.keys(row.raw).length === 0) continue
      const period = row.date
        ? periodStarting(template.frequency, row.date)
        : periodContaining(template.frequency, now)
      const parsed = await parseReturnAt(db, location, period.start, row.raw, { partial: true })
      if (!parsed.ok) {
        result.invalid.push(
          ...parsed.errors.map((e) => ({ rowNumber: row.rowNumber, column: e.field, reason: e.message })),
        )
        continue
      }
      const source = await currentSource(db, location.id, period.start)
      if (source !== null && source !== 'import') {
        result.alreadyReported.push({ rowNumber: row.rowNumber, cqcLocationId })
        continue
      }
      ready.push({
        locationId: location.id,
        frequency: template.frequency,
        period,
        // On time within the location's agreed extension, as for every other channel.
        timing: timingUnder(period, template.window, now, exception),
        values: parsed.values,
        nothingChanged: false,
        reason: 'Updated from a newer capacity tracker extract',
        source: 'import',
        firstVersion: source === null,
        replacesVersion: null,
      })
      readyRows.push({ rowNumber: row.rowNumber, cqcLocationId })
    }
    const importName = `${by.fileName ? `${by.fileName}, ` : ''}imported ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`
    const saved = await saver.saveMany(by, ready, now, {
      allOrNone: false,
      // The tracker's red flags are raised or cleared with the returns, before the risk rules run.
      alsoInTransaction: async (trx) => {
        for (const hook of statusHooks) {
          const applied = await hook(
            trx,
            [...flags.values()],
            { userId: by.userId, organisationId: by.organisationId, importName },
            now,
          )
          result.redFlagsRaised += applied.raised
          result.redFlagsCleared += applied.cleared
        }
      },
    })
    if (saved.ok)
      for (const [i, r] of saved.results.entries()) {
        // A provider's return that arrived while the extract was read is left alone.
        if ('saved' in r) result.saved++
        else result.alreadyReported.push(readyRows[i]!)
      }
    return result
  }

  return { importExtract }
}

export type CapacityTrackerService = ReturnType<typeof createCapacityTrackerService>
