import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { gunzip as gunzipCallback, gzip as gzipCallback, constants as zlibConstants } from 'node:zlib'
import { parse as parseCsv } from 'csv-parse/sync'
import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { ImportCounts } from '../../db/schema.ts'
import type { Clock } from '../../domain/clock.ts'
import { restrictToArea, sameLocalAuthority } from '../../domain/cqc-import/area.ts'
import type { CqcLocation, ParsedFile } from '../../domain/cqc-import/cqc-location.ts'
import {
  comparedFields,
  type ExistingLocation,
  type ImportPlan,
  planImport,
} from '../../domain/cqc-import/plan.ts'
import { type LocationStatus, type StatusEvent, statusChange } from '../../domain/location-status.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { isUuid } from '../access/users.service.ts'
import { recordAudits } from '../audit/audit.repository.ts'
import { AuditAction, type AuditActionName } from '../audit/audit-actions.ts'
import { type BulkLoad, type BulkValue, inBulkTransaction } from './bulk-load.ts'
import { readCqcFileOffThread } from './cqc-file.worker.ts'
import { problemRowsCsvInSteps } from './problems-csv-in-steps.ts'

// Who is importing: a signed-in officer, or the operator at the command line (no user).
export type Importer = { userId: string | null; organisationId: string | null }

export type ImportOptions = {
  fileName: string
  content: Buffer
  areaName: string | null
  closeMissing: boolean
}

export type Progress = (done: number, total: number) => void

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
  const existing: ExistingLocation[] = []
  const seen = new Set<string>()
  const toExisting = (row: Awaited<ReturnType<typeof loadExisting>>[number]) => {
    if (seen.has(row.id)) return
    seen.add(row.id)
    const { id, cqcLocationId, ...fields } = row
    existing.push({ id, cqcLocationId: cqcLocationId!, fields })
  }
  for (const row of await loadExisting(db, ids)) toExisting(row)
  if (options.closeMissing) {
    // Only locations the file covers can go missing from it: those in the same area, or all.
    for (const row of await loadExisting(db, null)) {
      if (
        !options.areaName ||
        (row.localAuthorityName && sameLocalAuthority(row.localAuthorityName, options.areaName))
      )
        toExisting(row)
    }
  }
  const plan = planImport(rows, existing, { closeMissing: options.closeMissing })
  return { parsed, plan, counts: countsOf(plan, rows.length) }
}

function loadExisting(db: DbOrTransaction, ids: string[] | null) {
  let query = db
    .selectFrom('locations')
    // Exactly the fields the plan compares, so what is loaded and what is compared cannot drift apart.
    .select(['id', 'cqcLocationId', ...comparedFields])
    .where('cqcLocationId', 'is not', null)
  if (ids) {
    if (ids.length === 0) return Promise.resolve([])
    query = query.where('cqcLocationId', '=', anyOf(ids))
  } else {
    query = query.where('status', '=', 'open')
  }
  return query.execute()
}

// Every value as one array parameter: one statement however long the file. The array's text is built
// here in one go (a bind parameter still, cast by PostgreSQL): the driver would build a 50,000-item
// array a string at a time, a chain of strings that lives until it is sent. (A JSON parameter also
// builds little, but the design checks measured it slower for PostgreSQL to use.)
function anyOf(values: string[]) {
  const literal = `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`
  return sql<string>`any(${literal}::text[])`
}

// The columns of a location that come from the CQC, in the order the bulk loads write them.
const cqcColumns = [
  'name',
  'ods_code',
  'address_line1',
  'address_line2',
  'town',
  'postcode',
  'local_authority_name',
  'service_type',
  'registered_beds',
  'cqc_rating',
  'cqc_rating_date',
  'registration_start',
  'registration_end',
  'dormant',
  'status',
] as const

const cqcValues = (l: CqcLocation): BulkValue[] => [
  l.name,
  l.odsCode,
  l.addressLine1,
  l.addressLine2,
  l.town,
  l.postcode,
  l.localAuthorityName,
  l.serviceType,
  l.registeredBeds,
  l.cqcRating,
  l.cqcRatingDate,
  l.registrationStart,
  l.registrationEnd,
  l.dormant,
  l.status,
]

const statusEventColumns = [
  'location_id',
  'status',
  'effective_from',
  'source',
  'import_id',
  'recorded_by',
  'recorded_at',
] as const

// The same record recordAudits writes; a location holds no secrets, so there is nothing to filter.
const auditColumns = [
  'occurred_at',
  'actor_user_id',
  'organisation_id',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
] as const

// Rows a save writes per round of bulk loads: progress is reported after each round.
const rowsPerRound = 5000

// Saves a plan in one transaction: all of it or none of it. Every change goes to history and audit.
// Rows go in with bulk loads (COPY on PostgreSQL); new rows get their ids here, so that history and
// audit can name them without reading them back.
export async function applyCqcImport(
  db: Db,
  importId: string,
  plan: ImportPlan,
  by: Importer,
  clock: Clock,
  onProgress: Progress = () => {},
): Promise<void> {
  const now = clock.now()
  // One timestamp string for every row, rather than a Date that the driver formats 100,000 times.
  const stamp = now.toISOString()
  const today = stamp.slice(0, 10)
  const total = plan.create.length + plan.update.length + plan.close.length
  let done = 0
  const tick = (n: number) => {
    done += n
    onProgress(done, total)
  }
  const statusEvents = (locationId: string, events: StatusEvent[]): BulkValue[][] =>
    events.map((e) => [locationId, e.status, e.effectiveFrom, 'cqc-import', importId, by.userId, stamp])
  const audit = (
    action: AuditActionName,
    locationId: string,
    before: unknown,
    after: unknown,
  ): BulkValue[] => [
    stamp,
    by.userId,
    by.organisationId,
    action,
    'location',
    locationId,
    before === undefined ? null : JSON.stringify(before),
    after === undefined ? null : JSON.stringify(after),
  ]

  await inBulkTransaction(db, async (trx, load) => {
    const councils = await trx
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('kind', '=', 'council')
      .execute()
    // One lookup per local authority name, not per row.
    const councilByAuthority = new Map<string, string | null>()
    const councilFor = (authority: string | null) => {
      if (!authority) return null
      if (!councilByAuthority.has(authority)) {
        councilByAuthority.set(
          authority,
          councils.find((c) => sameLocalAuthority(c.name, authority))?.id ?? null,
        )
      }
      return councilByAuthority.get(authority)!
    }
    const providerIds = await upsertProviders(trx, load, plan, stamp)

    for (let i = 0; i < plan.create.length; i += rowsPerRound) {
      const round = plan.create
        .slice(i, i + rowsPerRound)
        .map(({ location }) => ({ id: randomUUID(), location }))
      await load(
        'locations',
        [
          'id',
          'cqc_location_id',
          'provider_id',
          'council_id',
          ...cqcColumns,
          'last_import_id',
          'created_at',
          'updated_at',
        ],
        lazily(round, ({ id, location }) => [
          id,
          location.cqcLocationId,
          providerIds.get(providerKey(location))!,
          councilFor(location.localAuthorityName),
          ...cqcValues(location),
          importId,
          stamp,
          stamp,
        ]),
      )
      await load(
        'location_status_events',
        statusEventColumns,
        lazilyFlat(round, ({ id, location }) => statusEvents(id, statusChange(null, location, today))),
      )
      await load(
        'audit_events',
        auditColumns,
        lazily(round, ({ id, location }) =>
          audit(AuditAction.locationCreatedByImport, id, undefined, location),
        ),
      )
      tick(round.length)
    }

    if (plan.update.length) {
      // The new values go to a table of this transaction's own, then into locations in one statement.
      await sql`create temp table cqc_import_updates (
        id uuid primary key, name text, ods_code text, address_line1 text, address_line2 text, town text,
        postcode text, local_authority_name text, service_type text, registered_beds integer, cqc_rating text,
        cqc_rating_date date, registration_start date, registration_end date, dormant boolean, status text
      ) on commit drop`.execute(trx)
      for (let i = 0; i < plan.update.length; i += rowsPerRound) {
        const round = plan.update.slice(i, i + rowsPerRound)
        await load(
          'cqc_import_updates',
          ['id', ...cqcColumns],
          lazily(round, (u) => [u.locationId, ...cqcValues(u.location)]),
        )
        // Status before the change: the stored value the plan compared, where the plan saw a change.
        await load(
          'location_status_events',
          statusEventColumns,
          lazilyFlat(round, (u) => {
            const before = (field: 'status' | 'dormant') =>
              u.changes.find((c) => c.field === field)?.before ?? u.location[field]
            const was = { status: before('status') as LocationStatus, dormant: before('dormant') === true }
            return statusEvents(u.locationId, statusChange(was, u.location, today))
          }),
        )
        await load(
          'audit_events',
          auditColumns,
          lazily(round, (u) =>
            audit(
              AuditAction.locationUpdatedByImport,
              u.locationId,
              Object.fromEntries(u.changes.map((c) => [c.field, c.before])),
              Object.fromEntries(u.changes.map((c) => [c.field, c.after])),
            ),
          ),
        )
        tick(round.length)
      }
      await sql`update locations l set
        name = u.name, ods_code = u.ods_code, address_line1 = u.address_line1,
        address_line2 = u.address_line2, town = u.town, postcode = u.postcode,
        local_authority_name = u.local_authority_name, service_type = u.service_type,
        registered_beds = u.registered_beds, cqc_rating = u.cqc_rating, cqc_rating_date = u.cqc_rating_date,
        registration_start = u.registration_start, registration_end = u.registration_end,
        dormant = u.dormant, status = u.status, last_import_id = ${importId}, updated_at = ${stamp}
        from cqc_import_updates u where l.id = u.id`.execute(trx)
    }

    for (let i = 0; i < plan.close.length; i += rowsPerRound) {
      const ids = plan.close.slice(i, i + rowsPerRound).map((c) => c.locationId)
      await trx
        .updateTable('locations')
        .set({ status: 'closed', registrationEnd: today, lastImportId: importId, updatedAt: stamp })
        .where('id', 'in', ids)
        .execute()
      await load(
        'location_status_events',
        statusEventColumns,
        ids.map((id) => [id, 'closed', today, 'cqc-import', importId, by.userId, stamp]),
      )
      await load(
        'audit_events',
        auditColumns,
        ids.map((id) =>
          audit(AuditAction.locationClosedByImport, id, undefined, {
            status: 'closed',
            reason: 'Not in the CQC file',
          }),
        ),
      )
      tick(ids.length)
    }
    await trx
      .updateTable('cqcImports')
      .set({ status: 'saved', savedAt: now })
      .where('id', '=', importId)
      .execute()
    await recordAudits(trx, [
      {
        action: AuditAction.importSaved,
        entityType: 'cqc-import',
        entityId: importId,
        actorUserId: by.userId,
        organisationId: by.organisationId,
        occurredAt: now,
      },
    ])
  })
}

// Rows made as a load takes them, so that each dies young instead of living through the whole round.
function* lazily<T>(items: readonly T[], row: (item: T) => BulkValue[]): Generator<BulkValue[]> {
  for (const item of items) yield row(item)
}

function* lazilyFlat<T>(items: readonly T[], rows: (item: T) => BulkValue[][]): Generator<BulkValue[]> {
  for (const item of items) yield* rows(item)
}

const providerKey = (l: CqcLocation) => l.cqcProviderId ?? `location:${l.cqcLocationId}`

// Providers are matched on their CQC provider ID; new ones are created, placeholder names filled in.
async function upsertProviders(
  trx: DbOrTransaction,
  load: BulkLoad,
  plan: ImportPlan,
  stamp: string,
): Promise<Map<string, string>> {
  const wanted = new Map<string, CqcLocation>()
  for (const changes of [plan.create, plan.update]) {
    for (const { location: l } of changes) {
      const key = providerKey(l)
      const seen = wanted.get(key)
      if (!seen || (!seen.providerName && l.providerName)) wanted.set(key, l)
    }
  }
  const ids = new Map<string, string>()
  const cqcIds = [...wanted.values()].flatMap((l) => (l.cqcProviderId ? [l.cqcProviderId] : []))
  const found = cqcIds.length
    ? await trx
        .selectFrom('providers')
        .select(['id', 'cqcProviderId', 'name'])
        .where('cqcProviderId', '=', anyOf(cqcIds))
        .execute()
    : []
  for (const p of found) {
    ids.set(p.cqcProviderId!, p.id)
    const named = wanted.get(p.cqcProviderId!)!
    if (named.providerName && p.name.startsWith('CQC provider ') && named.providerName !== p.name) {
      await trx
        .updateTable('providers')
        .set({ name: named.providerName, updatedAt: stamp })
        .where('id', '=', p.id)
        .execute()
    }
  }
  const created: [id: string, location: CqcLocation][] = []
  for (const [key, l] of wanted) {
    if (ids.has(key)) continue
    const id = randomUUID()
    ids.set(key, id)
    created.push([id, l])
  }
  await load(
    'providers',
    ['id', 'cqc_provider_id', 'name', 'companies_house_number', 'ownership', 'created_at', 'updated_at'],
    lazily(created, ([id, l]) => [
      id,
      l.cqcProviderId,
      l.providerName ?? (l.cqcProviderId ? `CQC provider ${l.cqcProviderId}` : l.name),
      l.providerCompaniesHouseNumber,
      l.providerOwnership,
      stamp,
      stamp,
    ]),
  )
  return ids
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
    return createPreview(db, clock, { userId: actor.userId, organisationId: actor.organisationId }, options)
  }

  function visibleImports(actor: Actor) {
    let query = db.selectFrom('cqcImports').leftJoin('users', 'users.id', 'cqcImports.createdBy')
    if (actor.organisationKind !== 'region')
      query = query.where('cqcImports.organisationId', '=', actor.organisationId)
    return query
  }

  async function getImport(actor: Actor, id: string) {
    if (!can(actor, 'locations:import') || !isUuid(id)) return null
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

  // Starts the save and returns at once; the progress page follows it.
  async function confirm(actor: Actor, id: string): Promise<boolean> {
    const found = await getImport(actor, id)
    if (found?.status !== 'previewed') return false
    const claimed = await db
      .updateTable('cqcImports')
      .set({ status: 'saving' })
      .where('id', '=', id)
      .where('status', '=', 'previewed')
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return false
    progress.set(id, { done: 0, total: found.counts.create + found.counts.update + found.counts.close })
    void saveImport(
      db,
      clock,
      id,
      { userId: actor.userId, organisationId: actor.organisationId },
      (done, total) => progress.set(id, { done, total }),
    ).finally(() => progress.delete(id))
    return true
  }

  return { areaChoices, councilNamesFor, preview, getImport, listImports, problemsCsv, confirm }
}

export type CqcImportService = ReturnType<typeof createCqcImportService>

// Shared by the web and the command line: parse, plan, and store the preview with its file.
export async function createPreview(db: Db, clock: Clock, by: Importer, options: ImportOptions) {
  // The file is compressed on libuv's thread pool while this thread parses it. An output chunk as big
  // as a compressed 32 MB CSV lets the pool do it in one go, without waiting for this thread in between.
  const compressing = gzip(options.content, { level: zlibConstants.Z_BEST_SPEED, chunkSize: 1 << 23 })
  compressing.catch(() => {})
  // The file is read in a worker thread (cqc-file.worker.ts), which also hashes it.
  const { parsed: read, fileHash: hash } = await readCqcFileOffThread(options)
  const { parsed, plan, counts } = await planCqcImport(db, options, read)
  const problemsCsv = await problemRowsCsvInSteps(plan, parsed.fileProblems)
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
        'created_at',
      ],
      [
        [
          id,
          options.fileName,
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
          now.toISOString(),
        ],
      ],
    )
    await recordAudits(trx, [
      {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        action: AuditAction.importPreviewed,
        entityType: 'cqc-import',
        entityId: id,
        after: { fileName: options.fileName, counts },
        occurredAt: now,
      },
    ])
  })
  parsedPreviews.set(id, parsed)
  while (parsedPreviews.size > maxKeptPreviews) parsedPreviews.delete(parsedPreviews.keys().next().value!)
  return { id, parsed, plan, counts }
}

// Re-reads the stored file and plans again at save time, so the save matches the database as it is now.
export async function saveImport(
  db: Db,
  clock: Clock,
  id: string,
  by: Importer,
  onProgress?: Progress,
): Promise<void> {
  const kept = parsedPreviews.get(id)
  parsedPreviews.delete(id)
  const stored = await db
    .selectFrom('cqcImports')
    .select(['fileName', 'areaName', 'closeMissing'])
    .$if(!kept, (q) => q.select('fileContent'))
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  try {
    const { plan } = await planCqcImport(
      db,
      {
        fileName: stored.fileName,
        content: await storedFile((stored as { fileContent?: Buffer }).fileContent ?? Buffer.alloc(0)),
        areaName: stored.areaName,
        closeMissing: stored.closeMissing,
      },
      kept,
    )
    await applyCqcImport(db, id, plan, by, clock, onProgress)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cqcImports')
        .set({ status: 'failed', error: message.slice(0, 500) })
        .where('id', '=', id)
        .execute()
      await recordAudits(trx, [
        {
          actorUserId: by.userId,
          organisationId: by.organisationId,
          action: AuditAction.importFailed,
          entityType: 'cqc-import',
          entityId: id,
          after: { error: message.slice(0, 500) },
          occurredAt: clock.now(),
        },
      ])
    })
    throw error
  }
}
