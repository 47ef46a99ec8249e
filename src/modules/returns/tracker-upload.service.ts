import { createHash } from 'node:crypto'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, type Scope } from '../../domain/policy.ts'
import type { UploadLimits } from '../../domain/spreadsheet-reader.ts'
import { recordAudit } from '../audit/index.ts'
import type { CapacityTrackerService, TrackerImportResult } from './capacity-tracker.service.ts'
import {
  countOutcomes,
  type TrackerShape,
  type TrackerUploadRow,
  trackerShape,
} from './domain/tracker-extract.ts'
import { trackerUploadAuditActions } from './tracker-upload.audit-actions.ts'
import { readUpload } from './upload/upload-file.ts'

// Capacity tracker extracts from the browser (issue 19): a council officer uploads the tracker's extract
// (CSV or XLSX, any of its three shapes), sees what it would do row by row, and confirms. The import
// itself is the capacity tracker service's, the command line's too; this keeps the file between the two
// steps, with its SHA-256, who previewed and who saved it, and what it did. Only the council's own market
// is imported: a row for another council's location is reported and not saved. The same file saved once
// is not imported again (it would change nothing, or put back figures a newer extract replaced).

// An extract covers a council's market, or a region's: a few thousand rows of some 90 columns.
export const trackerUploadLimits: UploadLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxRows: 30_000,
  maxColumns: 300,
  maxCellCharacters: 32_767,
  maxUnzippedBytes: 200 * 1024 * 1024,
}

export type TrackerUploadOutcome = { id: string } | { fileProblem: string }

// The rows of the import's result in the file's order, each with what became of it.
function rowsOf(result: TrackerImportResult): TrackerUploadRow[] {
  const rows: TrackerUploadRow[] = [
    ...result.matched.map((m) => ({ ...m, outcome: 'matched' as const })),
    ...result.unchanged.map((m) => ({ ...m, outcome: 'unchanged' as const })),
    ...result.unmatched.map((r) => ({ ...r, outcome: 'unmatched' as const })),
    ...result.otherCouncil.map((r) => ({ ...r, outcome: 'other-council' as const })),
    ...result.alreadyReported.map((r) => ({ ...r, outcome: 'already-reported' as const })),
    ...result.statusOnly.map((r) => ({ ...r, outcome: 'status-only' as const })),
  ].map(({ rowNumber, cqcLocationId, outcome, ...rest }) => ({
    rowNumber,
    cqcLocationId,
    outcome,
    ...('locationName' in rest
      ? { locationName: rest.locationName, periodStart: rest.periodStart, fields: rest.fields }
      : {}),
  }))
  // A row may have several problems: one entry, its problems by column.
  const invalid = new Map<number, TrackerUploadRow>()
  for (const p of result.invalid) {
    const row = invalid.get(p.rowNumber) ?? {
      rowNumber: p.rowNumber,
      cqcLocationId: p.cqcLocationId ?? null,
      outcome: 'invalid' as const,
      problems: [],
    }
    row.problems!.push({ column: p.column, reason: p.reason })
    invalid.set(p.rowNumber, row)
  }
  return [...rows, ...invalid.values()].sort((a, b) => a.rowNumber - b.rowNumber)
}

export function createTrackerUploadService(deps: { db: Db; clock: Clock; tracker: CapacityTrackerService }) {
  const { db, clock, tracker } = deps

  // A council's officers who may import files into its market (not a partner, not a region).
  const mayUpload = (actor: Actor) => actor.organisationKind === 'council' && can(actor, 'locations:import')
  // The council's own market, whatever else the actor may see.
  const ownMarket = (actor: Actor): Scope => ({ kind: 'councils', councilIds: [actor.organisationId] })

  async function readExtract(fileName: string, content: Buffer) {
    const read = await readUpload(fileName, content, trackerUploadLimits)
    if (!read.ok) return { problem: read.message }
    const shaped = trackerShape(read.table.header)
    if ('problem' in shaped) return { problem: shaped.problem }
    const header = read.table.header
    const records = read.table.rows.map(({ rowNumber, cells }) => ({
      rowNumber,
      record: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])),
    }))
    return { shape: shaped.shape, records }
  }

  // Reads the file and records what it would do, saving nothing of the market.
  async function preview(
    actor: Actor,
    file: { fileName: string; content: Buffer },
  ): Promise<TrackerUploadOutcome | null> {
    if (!mayUpload(actor)) return null
    const read = await readExtract(file.fileName, file.content)
    if ('problem' in read) return { fileProblem: read.problem! }
    const fileHash = createHash('sha256').update(file.content).digest('hex')
    const savedBefore = await db
      .selectFrom('capacityTrackerImports')
      .select('id')
      .where('councilId', '=', actor.organisationId)
      .where('fileHash', '=', fileHash)
      .where('status', '=', 'saved')
      .executeTakeFirst()
    const result = await tracker.importRecords(
      { userId: actor.userId, organisationId: actor.organisationId, scope: ownMarket(actor) },
      read.records!,
      { dryRun: true },
    )
    const rows = rowsOf(result)
    const row = await db
      .insertInto('capacityTrackerImports')
      .values({
        councilId: actor.organisationId,
        fileName: file.fileName,
        fileHash,
        fileContent: file.content,
        shape: read.shape!,
        status: savedBefore ? 'already-imported' : 'previewed',
        counts: JSON.stringify(countOutcomes(rows)),
        rows: JSON.stringify(rows),
        previewedBy: actor.userId,
        previewedAt: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { id: row.id }
  }

  // Saves a previewed file's figures, read again as they are now. Null when there is nothing to confirm.
  async function confirm(actor: Actor, id: string): Promise<{ saved: number } | null> {
    if (!mayUpload(actor) || !isUuid(id)) return null
    // Claimed first, so a second press of the button (or a second officer) saves nothing twice.
    const claimed = await db
      .updateTable('capacityTrackerImports')
      .set({ status: 'saving' })
      .where('id', '=', id)
      .where('councilId', '=', actor.organisationId)
      .where('status', '=', 'previewed')
      .returning(['fileName', 'fileContent', 'fileHash'])
      .executeTakeFirst()
    if (!claimed) return null
    try {
      // PGlite gives bytea as a Uint8Array, PostgreSQL as a Buffer.
      const content = Buffer.from(claimed.fileContent)
      const read = await readExtract(claimed.fileName, content)
      if ('problem' in read) throw new Error(read.problem)
      const result = await tracker.importRecords(
        {
          userId: actor.userId,
          organisationId: actor.organisationId,
          scope: ownMarket(actor),
          fileName: claimed.fileName,
        },
        read.records!,
      )
      const rows = rowsOf(result)
      const now = clock.now()
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('capacityTrackerImports')
          .set({
            status: 'saved',
            counts: JSON.stringify(countOutcomes(rows)),
            rows: JSON.stringify(rows),
            savedBy: actor.userId,
            savedAt: now,
          })
          .where('id', '=', id)
          .execute()
        await recordAudit(trx, {
          actorUserId: actor.userId,
          organisationId: actor.organisationId,
          councilId: actor.organisationId,
          action: trackerUploadAuditActions.trackerExtractImported,
          entityType: 'capacity-tracker-import',
          entityId: id,
          after: { fileName: claimed.fileName, fileHash: claimed.fileHash, ...countOutcomes(rows) },
          occurredAt: now,
        })
      })
      return { saved: result.saved }
    } catch (error) {
      // Nothing was saved (the returns are saved in one transaction): the file may be confirmed again.
      await db
        .updateTable('capacityTrackerImports')
        .set({ status: 'previewed' })
        .where('id', '=', id)
        .execute()
      throw error
    }
  }

  async function getImport(actor: Actor, id: string) {
    if (!mayUpload(actor) || !isUuid(id)) return null
    const found = await db
      .selectFrom('capacityTrackerImports')
      .leftJoin('users as previewer', 'previewer.id', 'capacityTrackerImports.previewedBy')
      .leftJoin('users as saver', 'saver.id', 'capacityTrackerImports.savedBy')
      .select([
        'capacityTrackerImports.id',
        'capacityTrackerImports.fileName',
        'capacityTrackerImports.fileHash',
        'capacityTrackerImports.shape',
        'capacityTrackerImports.status',
        'capacityTrackerImports.counts',
        'capacityTrackerImports.rows',
        'capacityTrackerImports.previewedAt',
        'capacityTrackerImports.savedAt',
        'previewer.displayName as previewedByName',
        'saver.displayName as savedByName',
      ])
      .where('capacityTrackerImports.id', '=', id)
      .where('capacityTrackerImports.councilId', '=', actor.organisationId)
      .executeTakeFirst()
    if (!found) return null
    const earlier =
      found.status === 'already-imported'
        ? await db
            .selectFrom('capacityTrackerImports')
            .select(['id', 'savedAt'])
            .where('councilId', '=', actor.organisationId)
            .where('fileHash', '=', found.fileHash)
            .where('status', '=', 'saved')
            .orderBy('savedAt')
            .executeTakeFirst()
        : undefined
    return { ...found, shape: found.shape as TrackerShape, earlier: earlier ?? null }
  }

  // The council's uploads, newest first, with each file's SHA-256 and counts.
  async function listImports(actor: Actor, page: number, pageSize: number) {
    if (!mayUpload(actor)) return null
    const base = db
      .selectFrom('capacityTrackerImports')
      .where('capacityTrackerImports.councilId', '=', actor.organisationId)
    const [imports, total] = await Promise.all([
      base
        .leftJoin('users as previewer', 'previewer.id', 'capacityTrackerImports.previewedBy')
        .leftJoin('users as saver', 'saver.id', 'capacityTrackerImports.savedBy')
        .select([
          'capacityTrackerImports.id',
          'capacityTrackerImports.fileName',
          'capacityTrackerImports.fileHash',
          'capacityTrackerImports.shape',
          'capacityTrackerImports.status',
          'capacityTrackerImports.counts',
          'capacityTrackerImports.previewedAt',
          'capacityTrackerImports.savedAt',
          'previewer.displayName as previewedByName',
          'saver.displayName as savedByName',
        ])
        .orderBy('capacityTrackerImports.previewedAt', 'desc')
        .orderBy('capacityTrackerImports.id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ])
    return { imports, total: Number(total.n) }
  }

  return { mayUpload, preview, confirm, getImport, listImports }
}

export type TrackerUploadService = ReturnType<typeof createTrackerUploadService>
