import type { Db } from '../../db/database.ts'
import { addDaysToIsoDate, londonInstant } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import type { ContactLogService, ContactSummary } from '../contact-log/index.ts'
import { maySeeDashboard, viewpointOf } from './dashboard.service.ts'
import type { AlertExportRow, DirectoryStatusRow, ReturnExportRow } from './export-columns.ts'
import { alertsBatch, directoryBatch, type ExportFilter, returnsBatch } from './exports.repository.ts'
import { type DashboardFilter, filteredLocations } from './measures.repository.ts'

export type { ExportFilter } from './exports.repository.ts'

// The dashboard's exports: the directory with each location's current status, returns for a date
// range, alerts and the contact log. Same filters as the screen. Rows are read in keyset pages, so a
// national export holds one batch in memory at a time.

// Small batches keep the live set small: the process's memory is the export's, not the table's.
const defaultBatchSize = 500
const zeroUuid = '00000000-0000-0000-0000-000000000000'

// Batch after batch, each read after the last row of the one before, until a short one.
async function* keysetBatches<Row, Key>(
  first: Key,
  read: (after: Key) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  batchSize: number,
): AsyncGenerator<Row[]> {
  let after = first
  for (;;) {
    const batch = await read(after)
    if (batch.length === 0) return
    yield batch
    after = keyOf(batch[batch.length - 1]!)
    if (batch.length < batchSize) return
  }
}

export function createDashboardExportService(deps: {
  db: Db
  batchSize?: number
  contactLog?: Pick<ContactLogService, 'exportBatches'>
}) {
  const { db } = deps
  const batchSize = deps.batchSize ?? defaultBatchSize

  // Current returns for periods starting from `from` to `to`, ordered by period then location.
  async function* returns(actor: Actor, filter: ExportFilter): AsyncGenerator<ReturnExportRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    yield* keysetBatches<ReturnExportRow, [string, string]>(
      [filter.from, zeroUuid],
      (after) => returnsBatch(db, view, filter, after, batchSize),
      (last) => [last.period_start, last.location_id],
      batchSize,
    )
  }

  async function* directory(
    actor: Actor,
    filter: Omit<DashboardFilter, 'day'>,
  ): AsyncGenerator<DirectoryStatusRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    yield* keysetBatches(
      zeroUuid,
      (after) => directoryBatch(db, view, filter, after, batchSize),
      (last) => last.id,
      batchSize,
    )
  }

  async function* alerts(actor: Actor, filter: ExportFilter): AsyncGenerator<AlertExportRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    yield* keysetBatches(
      zeroUuid,
      (after) => alertsBatch(db, view, filter, after, batchSize),
      (last) => last.id,
      batchSize,
    )
  }

  // The contact log's rows come from its own service, which applies its visibility rules; the screen's
  // filters only narrow the locations.
  async function* contacts(actor: Actor, filter: ExportFilter): AsyncGenerator<ContactSummary[]> {
    if (!maySeeDashboard(actor) || !deps.contactLog) return
    const view = viewpointOf(actor)
    yield* deps.contactLog.exportBatches(
      actor,
      {
        from: londonInstant(filter.from),
        toExclusive: londonInstant(addDaysToIsoDate(filter.to, 1)),
      },
      (trx) => filteredLocations(trx, view, filter).select('locations.id'),
    )
  }

  return { returns, directory, alerts, contacts }
}

export type DashboardExportService = ReturnType<typeof createDashboardExportService>
