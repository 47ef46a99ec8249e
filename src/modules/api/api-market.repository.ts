import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { returnColumns, returnResource } from './api-returns.repository.ts'

// The market as the read API gives it to a council's or partner's token: every read goes through the
// same scope as the pages (src/db/scope.ts), so another council's location is simply not there.

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

function locationsQuery(db: Db, actor: Actor) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .select([
      'locations.id',
      'locations.cqcLocationId',
      'locations.name',
      'locations.providerId',
      'providers.name as providerName',
      'locations.serviceType',
      'locations.area',
      'locations.councilId',
      'locations.registeredBeds',
      'locations.status',
      'locationRisk.rag',
      'locationRisk.openAlerts',
      'locationRisk.openCaseId',
      'locationRisk.updatedAt as ragUpdatedAt',
    ])
    .where(locationVisible(locationScope(actor)))
}

type LocationRow = Awaited<ReturnType<ReturnType<typeof locationsQuery>['executeTakeFirstOrThrow']>>

// A location without a risk row has had nothing flagged: green, as the pages show it.
function marketLocation(row: LocationRow) {
  return {
    ...row,
    serviceType: row.serviceType as never,
    rag: row.rag ?? 'green',
    openAlerts: Number(row.openAlerts ?? 0),
    openCaseId: row.openCaseId ?? null,
    ragUpdatedAt: iso(row.ragUpdatedAt ?? null),
  }
}

export async function marketLocations(db: Db, actor: Actor) {
  const rows = await locationsQuery(db, actor).orderBy('locations.name').orderBy('locations.id').execute()
  return rows.map(marketLocation)
}

// One location by CareHub id or CQC location ID; null when the actor may not see it (a 404).
export async function marketLocationById(db: Db, actor: Actor, reference: string) {
  const ref = reference.trim()
  if (!ref || ref.length > 100) return null
  const row = await locationsQuery(db, actor)
    .where(isUuid(ref) ? 'locations.id' : 'locations.cqcLocationId', '=', ref)
    .executeTakeFirst()
  return row ? marketLocation(row) : null
}

// ---- Returns, a page at a time by an opaque cursor

// A page holds only returns saved this long ago: a return's saved time is set before its transaction
// commits, so one still being saved could otherwise land behind a cursor already handed out.
export const settleMs = 10_000

type Position = { micros: string; id: string }

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.micros}.${position.id}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): Position | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const match = /^(\d{1,18})\.([0-9a-f-]{36})$/.exec(text)
  if (!match || !isUuid(match[2]!)) return null
  return { micros: match[1]!, id: match[2]! }
}

// The current version of each return for periods starting from `from` to `to`, in the order they were
// saved (then by id), after the cursor's position. Keyset paging on (submitted_at, id): a return saved
// while a client pages comes after every position already handed out, so each return is read once.
export async function returnsPage(
  db: Db,
  actor: Actor,
  options: { from: string; to: string; after: Position | null; limit: number; now: Date },
) {
  let query = db
    .selectFrom('situationReturns')
    .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
    .where(locationVisible(locationScope(actor)))
    .where('situationReturns.isCurrent', '=', true)
    .where('situationReturns.periodStart', '>=', options.from)
    .where('situationReturns.periodStart', '<=', options.to)
    .where('situationReturns.submittedAt', '<=', new Date(options.now.getTime() - settleMs))
  const after = options.after
  if (after)
    query = query.where(
      sql<boolean>`(situation_returns.submitted_at, situation_returns.id) >
        (timestamptz 'epoch' + ${after.micros}::bigint * interval '1 microsecond', ${after.id}::uuid)`,
    )
  const rows = await query
    .select(returnColumns)
    // Microseconds since 1970, exactly: the position a cursor keeps.
    .select(
      sql<string>`(extract(epoch from situation_returns.submitted_at) * 1000000)::bigint::text`.as('micros'),
    )
    .orderBy('situationReturns.submittedAt')
    .orderBy('situationReturns.id')
    .limit(options.limit + 1)
    .execute()
  const hasMore = rows.length > options.limit
  const page = rows.slice(0, options.limit)
  const last = page.at(-1)
  return {
    items: page.map(({ micros: _m, ...row }) => returnResource(row)),
    hasMore,
    next: last ? { micros: last.micros, id: last.id } : after,
  }
}

// ---- Open alerts and cases

export async function openAlerts(db: Db, actor: Actor) {
  const rows = await db
    .selectFrom('alerts')
    .innerJoin('locations', 'locations.id', 'alerts.locationId')
    .select([
      'alerts.id',
      'alerts.locationId',
      'locations.name as locationName',
      'alerts.caseId',
      'alerts.source',
      'alerts.severity',
      'alerts.title',
      'alerts.message',
      'alerts.raisedAt',
      'alerts.evidenceUpdatedAt',
    ])
    .where('alerts.status', '=', 'open')
    .where(locationVisible(locationScope(actor)))
    .orderBy('alerts.raisedAt')
    .orderBy('alerts.id')
    .execute()
  return rows.map((r) => ({
    ...r,
    raisedAt: new Date(r.raisedAt).toISOString(),
    evidenceUpdatedAt: new Date(r.evidenceUpdatedAt).toISOString(),
  }))
}

export async function openCases(db: Db, actor: Actor) {
  const rows = await db
    .selectFrom('cases')
    .innerJoin('locations', 'locations.id', 'cases.locationId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'cases.locationId')
    .leftJoin('organisations as owningOrganisation', 'owningOrganisation.id', 'cases.owningOrganisationId')
    .leftJoin('users as owner', 'owner.id', 'cases.ownerUserId')
    .select([
      'cases.id',
      'cases.locationId',
      'locations.name as locationName',
      'cases.status',
      'cases.openedAt',
      'owningOrganisation.name as owningOrganisationName',
      'owner.displayName as ownerName',
      'locationRisk.rag',
      sql<
        string | number
      >`(select count(*) from alerts a where a.case_id = cases.id and a.status = 'open')`.as('openAlerts'),
      sql<
        string | null
      >`(select case when bool_or(a.severity = 'red') then 'red' when count(*) > 0 then 'amber' end
        from alerts a where a.case_id = cases.id and a.status = 'open')`.as('worstSeverity'),
      sql<string | null>`(select min(ca.due_on)::text from case_actions ca
        where ca.case_id = cases.id and ca.status = 'open')`.as('nextActionDue'),
    ])
    .where('cases.status', '<>', 'resolved')
    .where(locationVisible(locationScope(actor)))
    .orderBy('cases.openedAt')
    .orderBy('cases.id')
    .execute()
  return rows.map((r) => ({
    ...r,
    status: r.status as 'open' | 'owned' | 'action_taken',
    openedAt: new Date(r.openedAt).toISOString(),
    openAlerts: Number(r.openAlerts),
    worstSeverity: (r.worstSeverity as 'red' | 'amber' | null) ?? null,
    nextActionDue: r.nextActionDue === null ? null : String(r.nextActionDue).slice(0, 10),
    rag: r.rag ?? 'green',
  }))
}
