import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import { type filteredLocations, locationColumns, measuresSql } from './measures.repository.ts'
import type { RiskShown } from './risk-shown.ts'

// The SQL of the single view of a location and of a provider. Each function takes the database first.

// The location, with its RAG only when `shown` lets the reader see it.
export function overviewLocation(db: DbOrTransaction, scope: Scope, locationId: string, shown: RiskShown) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .selectAll('locations')
    .select(['providers.name as providerName', 'providers.cqcProviderId', 'council.name as councilName'])
    .$if(shown.rag, (q) =>
      q.leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id').select('locationRisk.rag'),
    )
    .where('locations.id', '=', locationId)
    .where(locationVisible(scope))
    .executeTakeFirst()
}

const returnColumns = [
  'id',
  'periodStart',
  'frequency',
  'version',
  'values',
  'submittedAt',
  'timing',
  'source',
] as const

// A location's current returns for periods from `since`, newest first.
export function currentReturnsSince(db: DbOrTransaction, locationId: string, since: string) {
  return db
    .selectFrom('situationReturns')
    .select(returnColumns)
    .where('locationId', '=', locationId)
    .where('isCurrent', '=', true)
    .where('periodStart', '>=', since)
    .orderBy('periodStart', 'desc')
    .execute()
}

// The current return for the period before `periodStart`, however long ago.
export async function currentReturnBefore(db: DbOrTransaction, locationId: string, periodStart: string) {
  return (
    (await db
      .selectFrom('situationReturns')
      .select(returnColumns)
      .where('locationId', '=', locationId)
      .where('isCurrent', '=', true)
      .where('periodStart', '<', periodStart)
      .orderBy('periodStart', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  )
}

// A location's last 100 alerts, newest first, with their case.
export function locationAlerts(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('alerts')
    .leftJoin('cases', 'cases.id', 'alerts.caseId')
    .leftJoin('organisations', 'organisations.id', 'cases.owningOrganisationId')
    .select([
      'alerts.id',
      'alerts.severity',
      'alerts.title',
      'alerts.message',
      'alerts.status',
      'alerts.source',
      'alerts.raisedAt',
      'alerts.resolvedAt',
      'alerts.resolutionNote',
      'cases.status as caseStatus',
      'organisations.name as owningOrganisationName',
    ])
    .where('alerts.locationId', '=', locationId)
    .orderBy('alerts.raisedAt', 'desc')
    .limit(100)
    .execute()
}

// The people to contact at a location.
export function namedContacts(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('locationContacts')
    .select(['name', 'jobTitle', 'phone', 'email'])
    .where('locationId', '=', locationId)
    .orderBy('name')
    .execute()
}

export type ComparedLocation = { id: string; councilId: string; area: string | null; serviceType: string }

// The averages of the other locations of a location's kind in its council's area (and its area, when
// it has one) that reported on `day`.
export async function areaAverages(db: DbOrTransaction, location: ComparedLocation, day: string) {
  let locations = db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
    .where('locations.councilId', '=', location.councilId)
    .where('locations.serviceType', '=', location.serviceType)
    .where('locations.id', '<>', location.id)
  if (location.area) locations = locations.where('locations.area', '=', location.area)
  const loc = locationColumns(locations as ReturnType<typeof filteredLocations>, [])
  const result = await sql<Record<string, unknown>>`
      select count(m.return_id) as reported,
        avg(m.lowest_ppe) as lowest_ppe,
        100.0 * sum(m.staff_absent) filter (where m.staff_employed > 0 and m.staff_absent is not null)
          / nullif(sum(m.staff_employed) filter (where m.staff_employed > 0 and m.staff_absent is not null), 0) as absence_rate,
        avg(m.vacant_beds) as vacant_beds
      from (${measuresSql(loc, [day])}) m
      where m.return_id is not null`.execute(db)
  return result.rows[0]
}

// A provider's locations in scope, each with the period of its latest return, and its RAG and open
// alerts as far as `shown` lets the reader see them.
export function providerLocations(db: DbOrTransaction, scope: Scope, providerId: string, shown: RiskShown) {
  return db
    .selectFrom('locations')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .select((eb) => [
      'locations.id',
      'locations.name',
      'locations.serviceType',
      'locations.area',
      'locations.status',
      'locations.registeredBeds',
      eb
        .selectFrom('situationReturns')
        .select('situationReturns.periodStart')
        .whereRef('situationReturns.locationId', '=', 'locations.id')
        .where('situationReturns.isCurrent', '=', true)
        .orderBy('situationReturns.periodStart', 'desc')
        .limit(1)
        .as('lastReturn'),
    ])
    .$if(shown.rag, (q) => q.select('locationRisk.rag'))
    .$if(shown.alerts, (q) => q.select('locationRisk.openAlerts'))
    .where('locations.providerId', '=', providerId)
    .where(locationVisible(scope))
    .orderBy('locations.name')
    .execute()
}

export function providerById(db: DbOrTransaction, providerId: string) {
  return db.selectFrom('providers').selectAll().where('id', '=', providerId).executeTakeFirstOrThrow()
}
