import { createHash } from 'node:crypto'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { ImportCounts } from '../../db/schema.ts'
import type { Clock } from '../../domain/clock.ts'
import { restrictToArea, sameLocalAuthority } from '../../domain/cqc-import/area.ts'
import type { CqcLocation, ParsedFile } from '../../domain/cqc-import/cqc-location.ts'
import { parseCqcFile } from '../../domain/cqc-import/parse.ts'
import {
  comparedFields,
  type ExistingLocation,
  type ImportPlan,
  planImport,
} from '../../domain/cqc-import/plan.ts'
import { problemRowsCsv } from '../../domain/cqc-import/problems-csv.ts'
import { statusChange } from '../../domain/location-status.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { isUuid } from '../access/users.service.ts'
import { type AuditEntry, recordAudits } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'

// Who is importing: a signed-in officer, or the operator at the command line (no user).
export type Importer = { userId: string | null; organisationId: string | null }

export type ImportOptions = {
  fileName: string
  content: Buffer
  areaName: string | null
  closeMissing: boolean
}

export type Progress = (done: number, total: number) => void

const batchSize = 500

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

const locationColumns = (l: CqcLocation) => ({
  name: l.name,
  odsCode: l.odsCode,
  addressLine1: l.addressLine1,
  addressLine2: l.addressLine2,
  town: l.town,
  postcode: l.postcode,
  localAuthorityName: l.localAuthorityName,
  serviceType: l.serviceType,
  registeredBeds: l.registeredBeds,
  cqcRating: l.cqcRating,
  cqcRatingDate: l.cqcRatingDate,
  registrationStart: l.registrationStart,
  registrationEnd: l.registrationEnd,
  dormant: l.dormant,
  status: l.status,
})

// Reads the file, compares it with what is stored, and returns the plan. Saves nothing.
// Rows read at preview time, kept in this process until the save, so a save here does not read and
// parse the file a second time. Another instance (or a restart) re-reads the stored file instead.
const parsedPreviews = new Map<string, ParsedFile>()
const maxKeptPreviews = 4

export async function planCqcImport(db: DbOrTransaction, options: ImportOptions, alreadyParsed?: ParsedFile) {
  const parsed =
    alreadyParsed ?? (await parseCqcFile({ fileName: options.fileName, content: options.content }))
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
  for (let i = 0; i < ids.length; i += 5000) {
    for (const row of await loadExisting(db, ids.slice(i, i + 5000))) toExisting(row)
  }
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
  return {
    parsed,
    plan,
    counts: countsOf(plan, rows.length),
    problemsCsv: problemRowsCsv(plan, parsed.fileProblems),
  }
}

function loadExisting(db: DbOrTransaction, ids: string[] | null) {
  let query = db
    .selectFrom('locations')
    // Exactly the fields the plan compares, so what is loaded and what is compared cannot drift apart.
    .select(['id', 'cqcLocationId', ...comparedFields])
    .where('cqcLocationId', 'is not', null)
  if (ids) {
    if (ids.length === 0) return Promise.resolve([])
    query = query.where('cqcLocationId', 'in', ids)
  } else {
    query = query.where('status', '=', 'open')
  }
  return query.execute()
}

// Saves a plan in one transaction: all of it or none of it. Every change goes to history and audit.
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
  await db.transaction().execute(async (trx) => {
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
    const providerIds = await upsertProviders(
      trx,
      [...plan.create, ...plan.update].map((r) => r.location),
      now,
    )
    const audit = (entries: Omit<AuditEntry, 'actorUserId' | 'organisationId' | 'occurredAt'>[]) =>
      recordAudits(
        trx,
        entries.map((e) => ({
          ...e,
          actorUserId: by.userId,
          organisationId: by.organisationId,
          occurredAt: now,
        })),
      )

    for (let i = 0; i < plan.create.length; i += batchSize) {
      const batch = plan.create.slice(i, i + batchSize)
      const created = await trx
        .insertInto('locations')
        .values(
          batch.map(({ location }) => ({
            ...locationColumns(location),
            cqcLocationId: location.cqcLocationId,
            providerId: providerIds.get(providerKey(location))!,
            councilId: councilFor(location.localAuthorityName),
            area: null,
            peopleSupported: null,
            bcpReviewedOn: null,
            nhsmail: null,
            lastImportId: importId,
            createdAt: stamp,
            updatedAt: stamp,
          })),
        )
        .returning(['id', 'cqcLocationId'])
        .execute()
      const events = created.flatMap((row, j) =>
        statusChange(null, batch[j]!.location, today).map((e) => ({
          ...e,
          locationId: row.id,
          source: 'cqc-import',
          importId,
          recordedBy: by.userId,
          recordedAt: stamp,
        })),
      )
      if (events.length) await trx.insertInto('locationStatusEvents').values(events).execute()
      await audit(
        created.map((row, j) => ({
          action: AuditAction.locationCreatedByImport,
          entityType: 'location',
          entityId: row.id,
          after: batch[j]!.location,
        })),
      )
      tick(batch.length)
    }

    for (let i = 0; i < plan.update.length; i += batchSize) {
      const batch = plan.update.slice(i, i + batchSize)
      const before = await trx
        .selectFrom('locations')
        .select(['id', 'status', 'dormant'])
        .where(
          'id',
          'in',
          batch.map((u) => u.locationId),
        )
        .execute()
      const beforeById = new Map(before.map((b) => [b.id, b]))
      for (const update of batch) {
        await trx
          .updateTable('locations')
          .set({ ...locationColumns(update.location), lastImportId: importId, updatedAt: now })
          .where('id', '=', update.locationId)
          .execute()
        const was = beforeById.get(update.locationId)!
        const events = statusChange(
          { status: was.status as 'open' | 'closed', dormant: was.dormant },
          update.location,
          today,
        )
        if (events.length) {
          await trx
            .insertInto('locationStatusEvents')
            .values(
              events.map((e) => ({
                ...e,
                locationId: update.locationId,
                source: 'cqc-import',
                importId,
                recordedBy: by.userId,
                recordedAt: now,
              })),
            )
            .execute()
        }
      }
      await audit(
        batch.map((u) => ({
          action: AuditAction.locationUpdatedByImport,
          entityType: 'location',
          entityId: u.locationId,
          before: Object.fromEntries(u.changes.map((c) => [c.field, c.before])),
          after: Object.fromEntries(u.changes.map((c) => [c.field, c.after])),
        })),
      )
      tick(batch.length)
    }

    if (plan.close.length) {
      for (let i = 0; i < plan.close.length; i += batchSize) {
        const batch = plan.close.slice(i, i + batchSize)
        const ids = batch.map((c) => c.locationId)
        await trx
          .updateTable('locations')
          .set({ status: 'closed', registrationEnd: today, lastImportId: importId, updatedAt: now })
          .where('id', 'in', ids)
          .execute()
        await trx
          .insertInto('locationStatusEvents')
          .values(
            ids.map((locationId) => ({
              locationId,
              status: 'closed' as const,
              effectiveFrom: today,
              source: 'cqc-import',
              importId,
              recordedBy: by.userId,
              recordedAt: now,
            })),
          )
          .execute()
        await audit(
          ids.map((id) => ({
            action: AuditAction.locationClosedByImport,
            entityType: 'location',
            entityId: id,
            after: { status: 'closed', reason: 'Not in the CQC file' },
          })),
        )
        tick(batch.length)
      }
    }
    await trx
      .updateTable('cqcImports')
      .set({ status: 'saved', savedAt: now })
      .where('id', '=', importId)
      .execute()
    await audit([{ action: AuditAction.importSaved, entityType: 'cqc-import', entityId: importId }])
  })
}

const providerKey = (l: CqcLocation) => l.cqcProviderId ?? `location:${l.cqcLocationId}`

// Providers are matched on their CQC provider ID; new ones are created, placeholder names filled in.
async function upsertProviders(
  trx: DbOrTransaction,
  locations: CqcLocation[],
  now: Date,
): Promise<Map<string, string>> {
  const wanted = new Map<string, CqcLocation>()
  for (const l of locations) {
    const key = providerKey(l)
    if (!wanted.has(key) || (!wanted.get(key)!.providerName && l.providerName)) wanted.set(key, l)
  }
  const ids = new Map<string, string>()
  const cqcIds = [...wanted.values()].flatMap((l) => (l.cqcProviderId ? [l.cqcProviderId] : []))
  for (let i = 0; i < cqcIds.length; i += 5000) {
    const found = await trx
      .selectFrom('providers')
      .select(['id', 'cqcProviderId', 'name'])
      .where('cqcProviderId', 'in', cqcIds.slice(i, i + 5000))
      .execute()
    for (const p of found) {
      ids.set(p.cqcProviderId!, p.id)
      const named = wanted.get(p.cqcProviderId!)!
      if (named.providerName && p.name.startsWith('CQC provider ') && named.providerName !== p.name) {
        await trx
          .updateTable('providers')
          .set({ name: named.providerName, updatedAt: now })
          .where('id', '=', p.id)
          .execute()
      }
    }
  }
  const missing = [...wanted.entries()].filter(([key]) => !ids.has(key))
  for (let i = 0; i < missing.length; i += batchSize) {
    const batch = missing.slice(i, i + batchSize)
    const rows = await trx
      .insertInto('providers')
      .values(
        batch.map(([, l]) => ({
          cqcProviderId: l.cqcProviderId,
          name: l.providerName ?? (l.cqcProviderId ? `CQC provider ${l.cqcProviderId}` : l.name),
          companiesHouseNumber: l.providerCompaniesHouseNumber,
          ownership: l.providerOwnership,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .returning('id')
      .execute()
    for (const [j, r] of rows.entries()) ids.set(batch[j]![0], r.id)
  }
  return ids
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
  const { parsed, plan, counts, problemsCsv } = await planCqcImport(db, options)
  const now = clock.now()
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('cqcImports')
      .values({
        fileName: options.fileName,
        fileHash: fileHash(options.content),
        fileContent: options.content,
        format: parsed.format,
        areaName: options.areaName,
        closeMissing: options.closeMissing,
        status: parsed.fileProblems.length ? 'rejected' : 'previewed',
        counts: JSON.stringify(counts),
        problemsCsv,
        createdBy: by.userId,
        organisationId: by.organisationId,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudits(trx, [
      {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        action: AuditAction.importPreviewed,
        entityType: 'cqc-import',
        entityId: row.id,
        after: { fileName: options.fileName, counts },
        occurredAt: now,
      },
    ])
    return row.id
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
        content: (stored as { fileContent?: Buffer }).fileContent ?? Buffer.alloc(0),
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
