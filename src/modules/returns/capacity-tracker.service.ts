import { parse } from 'csv-parse/sync'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Scope } from '../../domain/policy.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import {
  defaultTrackerMapping,
  mapTrackerRow,
  type TrackerMapping,
  type TrackerStatus,
} from './domain/capacity-tracker.ts'
import { currentDataset, fieldsFor } from './domain/dataset.ts'
import { periodStartsAt, timingUnder } from './domain/exceptions.ts'
import { periodContaining, periodStarting } from './domain/periods.ts'
import { sameFigures } from './domain/tracker-extract.ts'
import { parseReturnAt } from './return-history.ts'
import type { Prepared, ReturnSaver } from './return-save.ts'
import { currentReturn, isKnownLocation, locationForReturn } from './returns.repository.ts'

type MatchedRow = {
  rowNumber: number
  cqcLocationId: string
  locationId: string
  locationName: string
  periodStart: string
  fields: string[]
}

export type TrackerImportResult = {
  rows: number
  saved: number
  // Rows whose figures were saved (or, in a dry run, would be).
  matched: MatchedRow[]
  // Rows whose figures the location's imported return holds already: nothing to change.
  unchanged: MatchedRow[]
  unmatched: { rowNumber: number; cqcLocationId: string | null }[]
  // Rows for a location outside the importer's market (another council's): reported, not saved.
  otherCouncil: { rowNumber: number; cqcLocationId: string }[]
  invalid: { rowNumber: number; column: string; reason: string; cqcLocationId?: string | null }[]
  alreadyReported: { rowNumber: number; cqcLocationId: string }[]
  // Rows with the tracker's status and no figures CareHub reads.
  statusOnly: { rowNumber: number; cqcLocationId: string }[]
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

  // A CSV extract as the command line reads it: the first line names the columns.
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
    return importRecords(
      by,
      records.map((record, i) => ({ rowNumber: i + 2, record })),
      { mapping },
    )
  }

  // The extract's rows, each with its row number in the file (the upload page reads CSV or XLSX).
  // `dryRun`: everything short of saving, for the upload page's preview.
  async function importRecords(
    by: TrackerImporter,
    records: readonly { rowNumber: number; record: Record<string, string> }[],
    options: { mapping?: TrackerMapping; dryRun?: boolean } = {},
  ): Promise<TrackerImportResult> {
    const mapping = options.mapping ?? defaultTrackerMapping
    const result: TrackerImportResult = {
      rows: records.length,
      saved: 0,
      matched: [],
      unchanged: [],
      unmatched: [],
      otherCouncil: [],
      invalid: [],
      alreadyReported: [],
      statusOnly: [],
      redFlagsRaised: 0,
      redFlagsCleared: 0,
    }
    // The tracker's own status per location (the last row wins), whether or not its figures are saved.
    const flags = new Map<string, TrackerFlag>()
    const now = clock.now()
    const ready: Prepared[] = []
    const readyRows: TrackerImportResult['matched'] = []
    for (const { rowNumber, record } of records) {
      const row = mapTrackerRow(mapping, record, rowNumber)
      if (row.problems.length) {
        result.invalid.push(
          ...row.problems.map((p) => ({ rowNumber: row.rowNumber, cqcLocationId: row.cqcLocationId, ...p })),
        )
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
        // Another council's location is said to be so, and never saved: an extract covers a region.
        if (await isKnownLocation(db, cqcLocationId))
          result.otherCouncil.push({ rowNumber: row.rowNumber, cqcLocationId })
        else result.unmatched.push({ rowNumber: row.rowNumber, cqcLocationId: row.cqcLocationId })
        continue
      }
      const { location, template, exception } = found
      if (row.status)
        flags.set(location.id, { locationId: location.id, status: row.status, trackerUpdatedOn: row.date })
      // A combined extract's columns of the other kind of service (a care home's beds on a home care
      // row) are not this location's figures: only those its return asks are read.
      const asked = new Set(fieldsFor(currentDataset, location.serviceType as ServiceType).map((f) => f.key))
      const raw = Object.fromEntries(Object.entries(row.raw).filter(([field]) => asked.has(field)))
      // The tracker's status alone: no figures, so no return (it would count as reported, empty).
      if (Object.keys(raw).length === 0) {
        if (Object.keys(row.raw).length === 0 || row.status)
          result.statusOnly.push({ rowNumber: row.rowNumber, cqcLocationId })
        else
          result.invalid.push({
            rowNumber: row.rowNumber,
            cqcLocationId,
            column: mapping.locationColumn,
            reason: `None of the row’s figures are asked of ${location.name} (${Object.keys(row.raw).join(', ')})`,
          })
        continue
      }
      const period = row.date
        ? periodStarting(template.frequency, row.date)
        : periodContaining(template.frequency, now)
      const parsed = await parseReturnAt(db, location, period.start, raw, { partial: true })
      if (!parsed.ok) {
        result.invalid.push(
          ...parsed.errors.map((e) => ({
            rowNumber: row.rowNumber,
            cqcLocationId,
            column: e.field,
            reason: e.message,
          })),
        )
        continue
      }
      const current = await currentReturn(db, location.id, period.start)
      const matched = {
        rowNumber: row.rowNumber,
        cqcLocationId,
        locationId: location.id,
        locationName: location.name,
        periodStart: period.start,
        fields: Object.keys(raw),
      }
      if (current && current.source !== 'import') {
        result.alreadyReported.push({ rowNumber: row.rowNumber, cqcLocationId })
        continue
      }
      // The same figures again (the same extract twice, or overlapping ones) change nothing.
      if (current && sameFigures(parsed.values, current.values)) {
        result.unchanged.push(matched)
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
        firstVersion: current === null,
        replacesVersion: null,
      })
      readyRows.push(matched)
    }
    if (options.dryRun) {
      result.matched = readyRows
      return result
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
        const matched = readyRows[i]!
        // A provider's return that arrived while the extract was read is left alone.
        if ('saved' in r) {
          result.saved++
          result.matched.push(matched)
        } else
          result.alreadyReported.push({ rowNumber: matched.rowNumber, cqcLocationId: matched.cqcLocationId })
      }
    return result
  }

  return { importExtract, importRecords }
}

export type CapacityTrackerService = ReturnType<typeof createCapacityTrackerService>
