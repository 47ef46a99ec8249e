import type { Readable } from 'node:stream'
import { copyCsv } from '../../db/copy-out.ts'
import { type Db, rawEngineOf } from '../../db/database.ts'
import { type Clock, systemClock } from '../../domain/clock.ts'
import { csvText } from '../../domain/csv.ts'
import { addDaysToIsoDate, londonInstant } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import type { ContactLogService, ContactSummary } from '../contact-log/index.ts'
import { maySeeDashboard, viewpointOf } from './dashboard.service.ts'
import { dashboardsAuditActions } from './dashboards.audit-actions.ts'
import {
  type AlertExportRow,
  type DirectoryStatusRow,
  directoryColumnsFor,
  type ReturnExportRow,
  returnColumns,
} from './export-columns.ts'
import { alertsBatch, directoryBatch, type ExportFilter, returnsBatch } from './exports.repository.ts'
import { type DashboardFilter, filteredLocations } from './measures.repository.ts'
import { directoryCellsQuery, returnsCsvQuery } from './returns-csv.repository.ts'
import { riskShownTo } from './risk-shown.ts'

export type { ExportFilter } from './exports.repository.ts'

// The dashboard's exports: the directory with each location's current status, returns for a date
// range, alerts and the contact log. Same filters as the screen. Rows are read in keyset pages, so a
// national export holds one batch in memory at a time. RAG and alerts are read only for one who may see
// them (risk-shown.ts): the directory leaves them out, and the alerts are refused.

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

// The embedded engine copies a week of returns at a time (src/db/copy-out.ts), so a year's download
// never holds the whole file in memory at once.
const pgliteDaysPerPiece = 7

// PostgreSQL copies the range in pieces of whole days on two connections at once (one core each), the
// pieces written in order (src/db/copy-out.ts). At most 64 pieces: each is a statement to plan (about
// 15 ms for this SELECT), so a year's range takes several days a piece.
const copyConnections = 2
const maxPieces = 64

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

function pieces(from: string, to: string, days: number): [string, string][] {
  const found: [string, string][] = []
  for (let start = from; start <= to; start = addDaysToIsoDate(start, days)) {
    const end = addDaysToIsoDate(start, days - 1)
    found.push([start, end < to ? end : to])
  }
  return found
}

export function createDashboardExportService(deps: {
  db: Db
  batchSize?: number
  contactLog?: Pick<ContactLogService, 'exportBatches'>
  clock?: Clock
}) {
  const { db } = deps
  const batchSize = deps.batchSize ?? defaultBatchSize
  const clock = deps.clock ?? systemClock

  // The returns as CSV, written by the database itself (COPY) at its own speed, with the same header,
  // cells and scope as `returns` through `returnColumns`; null when the actor may not see them. The
  // download is recorded (who, when, which filters) before the first byte.
  async function returnsCsv(actor: Actor, filter: ExportFilter): Promise<Readable | null> {
    if (!maySeeDashboard(actor)) return null
    const view = viewpointOf(actor)
    const { from, to, serviceType, area, contracted, inArea } = filter
    await recordAudit(db, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId: view.councilIds.length === 1 ? view.councilIds[0] : null,
      action: dashboardsAuditActions.returnsExported,
      entityType: 'situation-returns',
      entityId: null,
      after: { format: 'csv', from, to, serviceType, area, contracted, inArea },
      occurredAt: clock.now(),
    })
    const pglite = rawEngineOf(db)?.engine === 'pglite'
    const days = pglite ? pgliteDaysPerPiece : Math.max(1, Math.ceil(daysBetween(from, to) / maxPieces))
    const ranges = from <= to ? pieces(from, to, days) : [[from, to] as const]
    return copyCsv(
      db,
      ranges.map(([start, end]) => returnsCsvQuery(db, view, { ...filter, from: start, to: end })),
      csvText([returnColumns.map(([header]) => header)]),
      {
        inIndexOrder: true,
        connections: pglite ? 1 : copyConnections,
        prefixes: directoryCellsQuery(db, view, filter),
      },
    )
  }

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
    const shown = riskShownTo(actor)
    yield* keysetBatches(
      zeroUuid,
      (after) => directoryBatch(db, view, filter, after, batchSize, shown),
      (last) => last.id,
      batchSize,
    )
  }

  // The directory's columns as the actor may see them: without RAG and open alerts for one who may not.
  function directoryColumns(actor: Actor) {
    return directoryColumnsFor(riskShownTo(actor))
  }

  // Alerts are casework's: null (refused) for one who may not read cases. Nothing is read until the
  // batches are asked for.
  function alerts(actor: Actor, filter: ExportFilter): AsyncGenerator<AlertExportRow[]> | null {
    if (!maySeeDashboard(actor) || !riskShownTo(actor).alerts) return null
    const view = viewpointOf(actor)
    return keysetBatches(
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

  return { returns, returnsCsv, directory, directoryColumns, alerts, contacts }
}

export type DashboardExportService = ReturnType<typeof createDashboardExportService>
