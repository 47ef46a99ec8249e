import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import { isOpenNow } from './location-filters.ts'

// The SQL behind a location's page and a provider's page. Each function takes the database first and,
// where the actor's reach matters, their scope; what else they may see is the service's question.

// A location in scope, with its RAG when `withRag` (the service's question).
export function locationInScope(db: DbOrTransaction, scope: Scope, id: string, withRag: boolean) {
  return db
    .selectFrom('locations')
    .where(locationVisible(scope))
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .selectAll('locations')
    .select(['providers.name as providerName', 'council.name as councilName'])
    .$if(withRag, (q) =>
      q.leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id').select('locationRisk.rag'),
    )
    .where('locations.id', '=', id)
    .executeTakeFirst()
}

// The councils that contract with a location, by name.
export function contractingCouncils(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('councilContracts')
    .innerJoin('organisations', 'organisations.id', 'councilContracts.councilId')
    .select(['organisations.id', 'organisations.name'])
    .where('councilContracts.locationId', '=', locationId)
    .orderBy('organisations.name')
    .execute()
}

// A location's status history, newest first.
export function statusHistory(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('locationStatusEvents')
    .select(['status', 'effectiveFrom', 'source', 'recordedAt'])
    .where('locationId', '=', locationId)
    .orderBy('effectiveFrom', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

export function namedContacts(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('locationContacts')
    .select(['id', 'name', 'jobTitle', 'phone', 'email'])
    .where('locationId', '=', locationId)
    .orderBy('name')
    .execute()
}

// A provider's locations within the scope, by name.
export function providerLocationsInScope(db: DbOrTransaction, scope: Scope, providerId: string) {
  return db
    .selectFrom('locations')
    .where(locationVisible(scope))
    .select([
      'locations.id',
      'locations.name',
      'locations.postcode',
      'locations.serviceType',
      'locations.registeredBeds',
      'locations.status',
    ])
    .where('locations.providerId', '=', providerId)
    .orderBy('locations.name')
    .execute()
}

export function providerById(db: DbOrTransaction, id: string) {
  return db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

// The people of a provider's organisation who use CareHub.
export function providerUsers(db: DbOrTransaction, providerId: string) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .select(['users.id', 'users.displayName', 'users.email', 'users.status', 'users.isApprover'])
    .where('organisations.providerId', '=', providerId)
    .orderBy('users.displayName')
    .execute()
}

// Open locations within the scope and their registered beds, by service type.
export async function openLocationsByServiceType(db: DbOrTransaction, scope: Scope) {
  const rows = await db
    .selectFrom('locations')
    .where(locationVisible(scope))
    .select((eb) => [
      'locations.serviceType',
      eb.fn.countAll<string>().as('locations'),
      eb.fn.sum<string | null>('locations.registeredBeds').as('beds'),
    ])
    .where(isOpenNow)
    .groupBy('locations.serviceType')
    .orderBy('locations.serviceType')
    .execute()
  return rows.map((r) => ({
    serviceType: r.serviceType,
    locations: Number(r.locations),
    beds: Number(r.beds ?? 0),
  }))
}
