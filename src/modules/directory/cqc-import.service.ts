import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { gunzip as gunzipCallback, gzip as gzipCallback, constants as zlibConstants } from 'node:zlib'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { ImportCounts } from '../../db/schema.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { AuditAction, recordAudits } from '../audit/index.ts'
import { inBulkTransaction } from './bulk-load.ts'
import { readCqcFileOffThread } from './cqc-file.worker.ts'
import { applyCqcImport, type Importer, type Progress } from './cqc-import-apply.ts'
import { importCouncilId, loadExistingLocations, marketOf } from './cqc-import-market.ts'
import {
  claimForSaving,
  failAbandonedSaves,
  inBackground,
  recordSaveFailure,
  saveFailureReason,
  type TaskLog,
  withHeartbeat,
} from './cqc-import-saving.ts'
import { restrictToArea, sameLocalAuthority } from './domain/cqc-import/area.ts'
import type { ParsedFile } from './domain/cqc-import/cqc-location.ts'
import { storableText } from './domain/cqc-import/limits.ts'
import { type ExistingLocation, type ImportPlan, planImport } from './domain/cqc-import/plan.ts'
import { problemRowsCsvInSteps } from './problems-csv-in-steps.ts'

export type { Importer, Progress }

export type ImportOptions = {
  fileName: string
  content: Buffer
  areaName: string | null
  closeMissing: boolean
  // The council whose market the import may change (cqc-import-market.ts); worked out from the area
  // when not given, and null for an install-wide import.
  councilId?: string | null
}

const gzip = promisify(gzipCallback)
const gunzip = promisify(gunzipCallback)

function countsOf(plan: ImportPlan, rows: number): ImportCounts {
  return {
    rows,
    create: plan.create.length,
    update: plan.update.length,
    unchanged: plan.unchanged.length,
    skip: plan.skip.length,
    errors: plan.errors.length,
    close: plan.close.length,
  }
}

// Reads the file, compares it with what is stored, and returns the plan. Saves nothing.
// Rows read at preview time, kept in this process until the save, so a save here does not read and
// parse the file a second time. Another instance (or a restart) re-reads the stored file instead.
const parsedPreviews = new Map<string, ParsedFile>()
export const maxKeptPreviews = 4

export async function planCqcImport(db: DbOrTransaction, options: ImportOptions, alreadyParsed?: ParsedFile) {
  const parsed = alreadyParsed ?? (await readCqcFileOffThread(options)).parsed
  const rows = options.areaName
    ? restrictToArea(parsed.rows, { localAuthorityName: options.areaName })
    : parsed.rows
  const ids = rows.flatMap((r) => (r.outcome === 'location' ? [r.location.cqcLocationId] : []))
  const importer = { councilId: options.councilId ?? null, areaName: options.areaName }
  const existing: ExistingLocation[] = []
  const seen = new Set<string>()
  const toExisting = (row: Awaited<ReturnType<typeof loadExistingLocations>>[number]) => {
    if (seen.has(row.id)) return
    seen.add(row.id)
    const { id, cqcLocationId, councilId, contractedByImporter: _, contracted: __, ...fields } = row
    existing.push({ id, cqcLocationId: cqcLocationId!, fields, councilId, market: marketOf(row, importer) })
  }
  for (const row of await loadExistingLocations(db, ids, importer.councilId)) toExisting(row)
  if (options.closeMissing) {
    // Only locations the file covers can go missing from it: those in the same area, or all; and an
    // import for a council closes only locations in its market.
    for (const row of await loadExistingLocations(db, null, importer.councilId)) {
      if (
        !options.areaName ||
        (row.localAuthorityName && sameLocalAuthority(row.localAuthorityName, options.areaName))
      )
        toExisting(row)
    }
  }
  const plan = planImport(rows, existing, {
    closeMissing: options.closeMissing,
    locationIdColumn: parsed.locationIdColumn,
  })
  return { parsed, plan, counts: countsOf(plan, rows.length) }
}

// Files are stored gzip-compressed (a tenth of the size: less to send, write and keep). Files stored
// before that are as uploaded; no CQC file the importer accepts starts with gzip's two magic bytes.
async function storedFile(content: Buffer): Promise<Buffer> {
  return content[0] === 0x1f && content[1] === 0x8b ? gunzip(content) : content
}

export function fileHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}

export function createCqcImportService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  // Progress of saves running in this process, for the progress page.
  const progress = new Map<string, { done: number; total: number }>()

  // Council staff import their own area; a regional body may take every row in the file.
  function areaChoices(actor: Actor, councilNames: string[]) {
    return actor.organisationKind === 'region'
      ? { own: councilNames, all: true }
      : { own: councilNames, all: false }
  }

  async function councilNamesFor(actor: Actor): Promise<string[]> {
    if (actor.councilIds.length === 0) return []
    const rows = await db
      .selectFrom('organisations')
      .select('name')
      .where('id', 'in', actor.councilIds)
      .orderBy('name')
      .execute()
    return rows.map((r) => r.name)
  }

  async function preview(actor: Actor, options: ImportOptions) {
    if (!can(actor, 'locations:import')) return null
    const allowedAreas = await councilNamesFor(actor)
    if (
      options.areaName === null
        ? actor.organisationKind !== 'region'
        : !allowedAreas.includes(options.areaName) && actor.organisationKind !== 'region'
    ) {
      return null
    }
    // An officer's import is for their own council; a regional body's for the council it names, if any.
    const within = actor.organisationKind === 'region' ? null : actor.councilIds
    const councilId = await importCouncilId(db, options.areaName, within)
    const by = { userId: actor.userId, organisationId: actor.organisationId }
    return createPreview(db, clock, by, { ...options, councilId })
  }

  function visibleImports(actor: Actor) {
    let query = db.selectFrom('cqcImports').leftJoin('users', 'users.id', 'cqcImports.createdBy')
    if (actor.organisationKind !== 'region')
      query = query.where('cqcImports.organisationId', '=', actor.organisationId)
    return query
  }

  async function getImport(actor: Actor, id: string) {
    if (!can(actor, 'locations:import') || !isUuid(id)) return null
    await failAbandonedSaves(db, clock)
    const row = await visibleImports(actor)
      .select([
        'cqcImports.id',
        'cqcImports.fileName',
        'cqcImports.fileHash',
        'cqcImports.format',
        'cqcImports.areaName',
        'cqcImports.closeMissing',
        'cqcImports.status',
        'cqcImports.counts',
        'cqcImports.error',
        'cqcImports.createdAt',
        'cqcImports.savedAt',
        'users.displayName as importedBy',
      ])
      .where('cqcImports.id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    const stored = await db
      .selectFrom('cqcImports')
      .select('problemsCsv')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    // The preview shows the first problems on the page; the download has them all.
    const problems = (
      parseCsv(stored.problemsCsv, { columns: true, to: 101 }) as Record<string, string>[]
    ).slice(0, 100)
    return { ...row, progress: progress.get(id) ?? null, problems }
  }

  async function listImports(actor: Actor, page: number, pageSize: number) {
    if (!can(actor, 'locations:import')) return null
    await failAbandonedSaves(db, clock)
    const countRow = await visibleImports(actor)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    const imports = await visibleImports(actor)
      .select([
        'cqcImports.id',
        'cqcImports.fileName',
        'cqcImports.status',
        'cqcImports.counts',
        'cqcImports.createdAt',
        'cqcImports.areaName',
        'users.displayName as importedBy',
      ])
      .orderBy('cqcImports.createdAt', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute()
    return { imports, total: Number(countRow.n) }
  }

  async function problemsCsv(actor: Actor, id: string) {
    if (!(await getImport(actor, id))) return null
    const row = await db
      .selectFrom('cqcImports')
      .select(['problemsCsv', 'fileName'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    return row
  }

  // Starts the save and returns at once; the progress page follows it. The save's failure is its
  // record's (and the log's), never the process's.
  async function confirm(actor: Actor, id: string, log: TaskLog): Promise<boolean> {
    const found = await getImport(actor, id)
    if (found?.status !== 'previewed') return false
    if (!(await claimForSaving(db, clock, id))) return false
    progress.set(id, { done: 0, total: found.counts.create + found.counts.update + found.counts.close })
    const by = { userId: actor.userId, organisationId: actor.organisationId }
    void inBackground(log, 'CQC import save failed', { importId: id }, () =>
      saveClaimedImport(db, clock, id, by, (done, total) => progress.set(id, { done, total })),
    ).finally(() => progress.delete(id))
    return true
  }

  // A failed import checked again from its stored file: a new preview, to confirm as before.
  async function runAgain(actor: Actor, id: string) {
    const found = await getImport(actor, id)
    if (found?.status !== 'failed') return null
    const stored = await db
      .selectFrom('cqcImports')
      .select('fileContent')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const content = await storedFile(stored.fileContent)
    const { fileName, areaName, closeMissing } = found
    return preview(actor, { fileName, content, areaName, closeMissing })
  }

  return { areaChoices, councilNamesFor, preview, getImport, listImports, problemsCsv, confirm, runAgain }
}

export type CqcImportService = ReturnType<typeof createCqcImportService>

// Shared by the web and the command line: parse, plan, and store the preview with its file.
export async function createPreview(db: Db, clock: Clock, by: Importer, options: ImportOptions) {
  // The file is compressed on libuv's thread pool while this thread parses it. An output chunk as big
  // as a compressed 32 MB CSV lets the pool do it in one go, without waiting for this thread in between.
  const compressing = gzip(options.content, { level: zlibConstants.Z_BEST_SPEED, chunkSize: 1 << 23 })
  compressing.catch(() => {})
  const councilId =
    options.councilId !== undefined ? options.councilId : await importCouncilId(db, options.areaName, null)
  // The file is read in a worker thread (cqc-file.worker.ts), which also hashes it.
  const { parsed: read, fileHash: hash } = await readCqcFileOffThread(options)
  const { parsed, plan, counts } = await planCqcImport(db, { ...options, councilId }, read)
  // Problems quote the file's values, which may hold what the database cannot store.
  const problemsCsv = storableText(await problemRowsCsvInSteps(plan, parsed.fileProblems))
  const fileName = storableText(options.fileName).slice(0, 255)
  const fileContent = await compressing
  const now = clock.now()
  const id = randomUUID()
  // The file goes in with COPY too: its bytes are streamed, not copied into one 6 MB bind parameter.
  await inBulkTransaction(db, async (trx, load) => {
    await load(
      'cqc_imports',
      [
        'id',
        'file_name',
        'file_hash',
        'file_content',
        'format',
        'area_name',
        'close_missing',
        'status',
        'counts',
        'problems_csv',
        'created_by',
        'organisation_id',
        'council_id',
        'created_at',
      ],
      [
        [
          id,
          fileName,
          hash,
          fileContent,
          parsed.format,
          options.areaName,
          options.closeMissing,
          parsed.fileProblems.length ? 'rejected' : 'previewed',
          JSON.stringify(counts),
          problemsCsv,
          by.userId,
          by.organisationId,
          councilId,
          now.toISOString(),
        ],
      ],
    )
    await recordAudits(trx, [
      {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        councilId,
        action: AuditAction.importPreviewed,
        entityType: 'cqc-import',
        entityId: id,
        after: { fileName, counts },
        occurredAt: now,
      },
    ])
  })
  parsedPreviews.set(id, parsed)
  while (parsedPreviews.size > maxKeptPreviews) parsedPreviews.delete(parsedPreviews.keys().next().value!)
  return { id, parsed, plan, counts }
}

// Saves a previewed import (the command line's way; the web's confirm claims it, then saves it in the
// background). A failure is recorded on the import and thrown to the caller.
export async function saveImport(
  db: Db,
  clock: Clock,
  id: string,
  by: Importer,
  onProgress?: Progress,
): Promise<void> {
  if (!(await claimForSaving(db, clock, id))) {
    throw new Error('This import is not waiting to be saved: it has been saved, failed or is saving')
  }
  await saveClaimedImport(db, clock, id, by, onProgress)
}

// Re-reads the stored file and plans again at save time, so the save matches the database as it is now.
async function saveClaimedImport(db: Db, clock: Clock, id: string, by: Importer, onProgress?: Progress) {
  const kept = parsedPreviews.get(id)
  parsedPreviews.delete(id)
  let councilId: string | null = null
  await withHeartbeat(db, clock, id, async () => {
    try {
      const stored = await db
        .selectFrom('cqcImports')
        .select(['fileName', 'areaName', 'closeMissing', 'councilId'])
        .$if(!kept, (q) => q.select('fileContent'))
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      councilId = stored.councilId
      const { plan } = await planCqcImport(
        db,
        {
          fileName: stored.fileName,
          content: await storedFile((stored as { fileContent?: Buffer }).fileContent ?? Buffer.alloc(0)),
          areaName: stored.areaName,
          closeMissing: stored.closeMissing,
          councilId,
        },
        kept,
      )
      await applyCqcImport(db, id, plan, by, clock, { councilId, onProgress })
    } catch (error) {
      await recordSaveFailure(db, clock, id, { ...by, councilId }, saveFailureReason(error)).catch(() => {
        // The record stays "saving" until its heartbeat is missed; then it shows as failed.
      })
      throw error
    }
  })
}
