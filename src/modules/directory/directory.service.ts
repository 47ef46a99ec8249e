import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import {
  contractingCouncils,
  locationInScope,
  namedContacts,
  openLocationsByServiceType,
  providerById,
  providerLocationsInScope,
  providerUsers,
  statusHistory,
} from './directory.repository.ts'
import { contractedBy, type LocationFilters, withLocationFilters } from './location-filters.ts'

export type LocationFilter = LocationFilters & { sort?: string; order?: string }

export const sortableColumns = {
  name: 'locations.name',
  serviceType: 'locations.serviceType',
  area: 'locations.area',
  beds: 'locations.registeredBeds',
  postcode: 'locations.postcode',
} as const

// A location's RAG (its worst open alert) for those the table "What each role sees" shows it to; it is
// not read for the rest (a partner's viewer), so no page can show it by mistake.
const mayReadRag = (actor: Actor) => can(actor, 'risk-status:read')

// Reads of providers and locations, always through the actor's scope.
export function createDirectoryService(deps: { db: Db; clock: Clock }) {
  const { db } = deps

  function visibleLocations(actor: Actor) {
    return db.selectFrom('locations').where(locationVisible(locationScope(actor)))
  }

  // The filters shared by the list, its exports and the counts (and the dashboard: location-filters.ts).
  // "Contracted" and "in area" are relative to the viewer's councils (any council for providers and regions).
  function filtered(actor: Actor, filter: LocationFilter) {
    return withLocationFilters(visibleLocations(actor), filter, actor.councilIds)
  }

  async function listLocations(actor: Actor, filter: LocationFilter & { page: number; pageSize: number }) {
    if (!can(actor, 'locations:read')) return null
    const query = filtered(actor, filter)
    const countRow = await query
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    // Own keys only: ?sort=constructor found Object's own constructor, and the query failed (500).
    const sort = filter.sort ?? 'name'
    const sortColumn = Object.hasOwn(sortableColumns, sort)
      ? sortableColumns[sort as keyof typeof sortableColumns]
      : sortableColumns.name
    const direction = filter.order === 'desc' ? 'desc' : 'asc'
    const ragShown = mayReadRag(actor)
    const locations = await query
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      // RAG: the worst open alert; a location with no row has never had one, so is green.
      .$if(ragShown, (q) =>
        q.leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id').select('locationRisk.rag'),
      )
      .select([
        'locations.id',
        'locations.name',
        'locations.postcode',
        'locations.area',
        'locations.serviceType',
        'locations.registeredBeds',
        'locations.status',
        'locations.dormant',
        'providers.name as providerName',
      ])
      .orderBy(sql`${sql.ref(sortColumn)} ${sql.raw(direction)} nulls last`)
      .orderBy('locations.id')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { locations, total: Number(countRow.count), ragShown }
  }

  // Every row of the filtered list, in batches (keyset pages), so an export runs in bounded memory.
  async function* exportLocations(actor: Actor, filter: LocationFilter) {
    if (!can(actor, 'locations:read')) return
    let after = ''
    for (;;) {
      const batch = await filtered(actor, filter)
        .innerJoin('providers', 'providers.id', 'locations.providerId')
        .leftJoin('organisations as council', 'council.id', 'locations.councilId')
        .select((eb) => [
          'locations.id',
          'locations.cqcLocationId',
          'locations.name',
          'providers.name as providerName',
          'providers.cqcProviderId',
          'locations.serviceType',
          'locations.addressLine1',
          'locations.town',
          'locations.postcode',
          'council.name as councilName',
          'locations.localAuthorityName',
          'locations.area',
          'locations.registeredBeds',
          'locations.peopleSupported',
          'locations.cqcRating',
          'locations.status',
          'locations.dormant',
          'locations.bcpReviewedOn',
          contractedBy(eb, actor.councilIds).as('contracted'),
        ])
        .where('locations.id', '>', after || '00000000-0000-0000-0000-000000000000')
        .orderBy('locations.id')
        .limit(1000)
        .execute()
      if (batch.length === 0) return
      yield batch
      after = batch[batch.length - 1]!.id
    }
  }

  async function areas(actor: Actor): Promise<string[]> {
    if (!can(actor, 'locations:read')) return []
    const rows = await visibleLocations(actor)
      .select('locations.area')
      .distinct()
      .where('locations.area', 'is not', null)
      .orderBy('locations.area')
      .execute()
    return rows.map((r) => r.area!).filter(Boolean)
  }

  async function getLocation(actor: Actor, id: string) {
    if (!can(actor, 'locations:read') || !isUuid(id)) return null
    const ragShown = mayReadRag(actor)
    const location = await locationInScope(db, locationScope(actor), id, ragShown)
    if (!location) return null
    const contractedBy = await contractingCouncils(db, id)
    // Only councils the actor can see are named; a provider manager sees whether it is contracted at all.
    const visibleContracts =
      actor.role === 'provider_manager' || actor.organisationKind === 'region'
        ? contractedBy
        : contractedBy.filter((c) => actor.councilIds.includes(c.id))
    const history = await statusHistory(db, id)
    // Named contacts are for council and partner officers only.
    const contacts = can(actor, 'contacts:read') ? await namedContacts(db, id) : null
    return { location, contractedBy: visibleContracts, history, contacts, ragShown }
  }

  async function getProvider(actor: Actor, id: string) {
    if (!can(actor, 'locations:read') || !isUuid(id)) return null
    const locations = await providerLocationsInScope(db, locationScope(actor), id)
    // A provider is visible only through a location the actor may see.
    if (locations.length === 0) return null
    const provider = await providerById(db, id)
    // The provider's own users: shown to admins, and to the provider's own approver.
    const ownProvider = actor.role === 'provider_manager' && actor.providerId === id
    const users = can(actor, 'users:manage') || ownProvider ? await providerUsers(db, id) : null
    return { provider, locations, users }
  }

  async function summary(actor: Actor) {
    if (!can(actor, 'locations:read')) return null
    return openLocationsByServiceType(db, locationScope(actor))
  }

  return { listLocations, exportLocations, areas, getLocation, getProvider, summary }
}

export type DirectoryService = ReturnType<typeof createDirectoryService>
