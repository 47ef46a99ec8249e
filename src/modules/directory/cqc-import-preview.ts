import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { gunzip as gunzipCallback, gzip as gzipCallback, constants as zlibConstants } from 'node:zlib'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { ImportCounts } from '../../db/schema.ts'
import type { Clock } from '../../domain/clock.ts'
import { AuditAction, recordAudits } from '../audit/index.ts'
import { inBulkTransaction } from './bulk-load.ts'
import { readCqcFileOffThread } from './cqc-file.worker.ts'
import { anyOf, applyCqcImport, type Importer, type Progress } from './cqc-import-apply.ts'
import { importCouncilId, loadExistingLocations, marketOf } from './cqc-import-market.ts'
import { claimForSaving, recordSaveFailure, saveFailureReason, withHeartbeat } from './cqc-import-saving.ts'
import { restrictToArea, sameLocalAuthority } from './domain/cqc-import/area.ts'
import type { ParsedFile } from './domain/cqc-import/cqc-location.ts'
import { storableText } from './domain/cqc-import/limits.ts'
import { type ExistingLocation, factsCarried, type ImportPlan, planImport } from './domain/cqc-import/plan.ts'
import {
  type ProviderPlan,
  type ProviderRow,
  planProviders,
  providerCounts,
} from './domain/cqc-import/providers-file.ts'
import { problemRowsCsvInSteps } from './problems-csv-in-steps.ts'

// A CQC file's way in, shared by the web (cqc-import.service.ts) and the command line: read it, plan
// the change against the stored locations, keep the preview with its file; then save it, planned again.

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

function countsOf(plan: ImportPlan, rows: number, providers: ProviderPlan | null): ImportCounts {
  return {
    ...(providers ? { providers: providerCounts(providers) } : {}),
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
  // A providers file changes providers only: it closes no location, whatever the options say.
  if (parsed.providers) options = { ...options, closeMissing: false }
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
    carried: parsed.columns ? factsCarried(parsed.columns) : undefined,
  })
  const providerPlan = parsed.providers ? await planProviderRecords(db, parsed.providers) : null
  return {
    parsed,
    plan,
    providerPlan,
    counts: countsOf(plan, rows.length + (parsed.providers?.length ?? 0), providerPlan),
  }
}

// The stored providers a providers file names, compared with their records.
async function planProviderRecords(db: DbOrTransaction, rows: ProviderRow[]): Promise<ProviderPlan> {
  const ids = rows.map((r) => r.provider.cqcProviderId)
  const existing = ids.length
    ? await db
        .selectFrom('providers')
        .select([
          'id',
          'cqcProviderId',
          'name',
          'addressLine1',
          'addressLine2',
          'town',
          'postcode',
          'companiesHouseNumber',
          'ownership',
          'brandId',
          'brandName',
        ])
        .where('cqcProviderId', '=', anyOf(ids))
        .execute()
    : []
  return planProviders(
    rows,
    existing.map((e) => ({ ...e, cqcProviderId: e.cqcProviderId! })),
  )
}

// Files are stored gzip-compressed (a tenth of the size: less to send, write and keep). Files stored
// before that are as uploaded; no CQC file the importer accepts starts with gzip's two magic bytes.
export async function storedFile(content: Buffer): Promise<Buffer> {
  return content[0] === 0x1f && content[1] === 0x8b ? gunzip(content) : content
}

export function fileHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}

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
  const { parsed, plan, providerPlan, counts } = await planCqcImport(db, { ...options, councilId }, read)
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
  return { id, parsed, plan, providerPlan, counts }
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
export async function saveClaimedImport(
  db: Db,
  clock: Clock,
  id: string,
  by: Importer,
  onProgress?: Progress,
) {
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
      const { plan, providerPlan } = await planCqcImport(
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
      await applyCqcImport(db, id, plan, by, clock, { councilId, onProgress, providers: providerPlan })
    } catch (error) {
      await recordSaveFailure(db, clock, id, { ...by, councilId }, saveFailureReason(error)).catch(() => {
        // The record stays "saving" until its heartbeat is missed; then it shows as failed.
      })
      throw error
    }
  })
}
