import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { AuditAction, type AuditActionName, recordAudits } from '../audit/index.ts'
import { type BulkLoad, type BulkValue, inBulkTransaction } from './bulk-load.ts'
import { linkLocationsToCouncils } from './council-links.ts'
import { councilAnswersTo } from './domain/cqc-import/area.ts'
import type { CqcLocation } from './domain/cqc-import/cqc-location.ts'
import type { ImportPlan } from './domain/cqc-import/plan.ts'
import {
  isPlaceholderProviderName,
  placeholderProviderName,
  type ProviderPlan,
} from './domain/cqc-import/providers-file.ts'
import { applyProviderPlan } from './cqc-providers-apply.ts'
import { type LocationStatus, type StatusEvent, statusChange } from './domain/location-status.ts'

// Who is importing: a signed-in officer, or the operator at the command line (no user).
export type Importer = { userId: string | null; organisationId: string | null }

export type Progress = (done: number, total: number) => void

// Every value as one array parameter: one statement however long the file. The array's text is built
// here in one go (a bind parameter still, cast by PostgreSQL): the driver would build a 50,000-item
// array a string at a time, a chain of strings that lives until it is sent. (A JSON parameter also
// builds little, but the design checks measured it slower for PostgreSQL to use.)
export function anyOf(values: string[]) {
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
  'council_id',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
] as const

// Rows a save writes per round of bulk loads: progress is reported after each round.
const rowsPerRound = 5000

// Saves a plan in one transaction: all of it or none of it. Every change goes to history and audit,
// the audit record under the actor's organisation and the council whose location it is. Rows go in
// with bulk loads (COPY on PostgreSQL); new rows get their ids here, so that history and audit can
// name them without reading them back. An import for a council puts the locations it creates in
// that council's area; an install-wide one finds each one's council by its local authority.
export async function applyCqcImport(
  db: Db,
  importId: string,
  plan: ImportPlan,
  by: Importer,
  clock: Clock,
  options: { councilId: string | null; onProgress?: Progress; providers?: ProviderPlan | null },
): Promise<void> {
  const onProgress = options.onProgress ?? (() => {})
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
    councilId: string | null,
    before: unknown,
    after: unknown,
  ): BulkValue[] => [
    stamp,
    by.userId,
    by.organisationId,
    councilId,
    action,
    'location',
    locationId,
    before === undefined ? null : JSON.stringify(before),
    after === undefined ? null : JSON.stringify(after),
  ]

  await inBulkTransaction(db, async (trx, load) => {
    const councils = await trx
      .selectFrom('organisations')
      .select(['id', 'name', 'onsCode'])
      .where('kind', '=', 'council')
      .execute()
    // One lookup per local authority name, not per row.
    const councilByAuthority = new Map<string, string | null>()
    const councilFor = (authority: string | null) => {
      if (options.councilId) return options.councilId
      if (!authority) return null
      if (!councilByAuthority.has(authority)) {
        councilByAuthority.set(authority, councils.find((c) => councilAnswersTo(c, authority))?.id ?? null)
      }
      return councilByAuthority.get(authority)!
    }
    // A providers file's changes (it has no locations to create or change).
    if (options.providers) await applyProviderPlan(trx, importId, options.providers, by, now)
    const providerIds = await upsertProviders(trx, load, plan, stamp)

    for (let i = 0; i < plan.create.length; i += rowsPerRound) {
      const round = plan.create.slice(i, i + rowsPerRound).map(({ location }) => ({
        id: randomUUID(),
        location,
        councilId: councilFor(location.localAuthorityName),
      }))
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
        lazily(round, ({ id, location, councilId }) => [
          id,
          location.cqcLocationId,
          providerIds.get(providerKey(location))!,
          councilId,
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
        lazily(round, ({ id, location, councilId }) =>
          audit(AuditAction.locationCreatedByImport, id, councilId, undefined, location),
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
              u.councilId,
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
      const closing = plan.close.slice(i, i + rowsPerRound)
      const ids = closing.map((c) => c.locationId)
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
        closing.map(({ locationId, councilId }) =>
          audit(AuditAction.locationClosedByImport, locationId, councilId, undefined, {
            status: 'closed',
            reason: 'Not in the CQC file',
          }),
        ),
      )
      tick(ids.length)
    }
    // Only a save still under way may finish: one found stopped (its heartbeat gone quiet) was shown
    // as failed, and stays failed, with nothing of it kept.
    const finished = await trx
      .updateTable('cqcImports')
      .set({ status: 'saved', savedAt: now })
      .where('id', '=', importId)
      .where('status', '=', 'saving')
      .executeTakeFirst()
    if (Number(finished.numUpdatedRows) !== 1) {
      throw new Error('The save was stopped before it finished: nothing from this file was saved')
    }
    // Locations already stored with no council (imported before their council was added) are linked.
    await linkLocationsToCouncils(trx, now, by, options.councilId)
    await recordAudits(trx, [
      {
        action: AuditAction.importSaved,
        entityType: 'cqc-import',
        entityId: importId,
        actorUserId: by.userId,
        organisationId: by.organisationId,
        councilId: options.councilId,
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
    if (named.providerName && isPlaceholderProviderName(p.name) && named.providerName !== p.name) {
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
      l.providerName ?? (l.cqcProviderId ? placeholderProviderName(l.cqcProviderId) : l.name),
      l.providerCompaniesHouseNumber,
      l.providerOwnership,
      stamp,
      stamp,
    ]),
  )
  return ids
}
