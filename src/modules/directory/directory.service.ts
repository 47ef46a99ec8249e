import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { serviceTypes } from '../../domain/service-types.ts'
import { isUuid } from '../access/users.service.ts'

export type LocationFilter = {
  search?: string
  serviceType?: string
  area?: string
  page: number
  pageSize: number
}

// Reads of providers and locations, always through the actor's scope.
export function createDirectoryService(deps: { db: Db }) {
  const { db } = deps

  function visibleLocations(actor: Actor) {
    return db.selectFrom('locations').where(locationVisible(locationScope(actor)))
  }

  async function listLocations(actor: Actor, filter: LocationFilter) {
    if (!can(actor, 'locations:read')) return null
    let query = visibleLocations(actor)
    if (filter.search) {
      const term = `%${filter.search.toLowerCase()}%`
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(locations.name)`, 'like', term),
          eb(sql`lower(locations.postcode)`, 'like', term),
          eb(sql`lower(locations.cqc_location_id)`, 'like', term),
        ]),
      )
    }
    if (filter.serviceType && (serviceTypes as readonly string[]).includes(filter.serviceType)) {
      query = query.where('locations.serviceType', '=', filter.serviceType)
    }
    if (filter.area) query = query.where('locations.area', '=', filter.area)
    const countRow = await query
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    const locations = await query
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      .select([
        'locations.id',
        'locations.name',
        'locations.postcode',
        'locations.area',
        'locations.serviceType',
        'locations.registeredBeds',
        'locations.status',
        'providers.name as providerName',
      ])
      .orderBy('locations.name')
      .orderBy('locations.id')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { locations, total: Number(countRow.count) }
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
    const location = await visibleLocations(actor)
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      .leftJoin('organisations as council', 'council.id', 'locations.councilId')
      .selectAll('locations')
      .select(['providers.name as providerName', 'council.name as councilName'])
      .where('locations.id', '=', id)
      .executeTakeFirst()
    if (!location) return null
    const contractedBy = await db
      .selectFrom('councilContracts')
      .innerJoin('organisations', 'organisations.id', 'councilContracts.councilId')
      .select(['organisations.id', 'organisations.name'])
      .where('councilContracts.locationId', '=', id)
      .orderBy('organisations.name')
      .execute()
    // Only councils the actor can see are named; a provider manager sees whether it is contracted at all.
    const visibleContracts =
      actor.role === 'provider_manager' || actor.organisationKind === 'region'
        ? contractedBy
        : contractedBy.filter((c) => actor.councilIds.includes(c.id))
    return { location, contractedBy: visibleContracts }
  }

  async function getProvider(actor: Actor, id: string) {
    if (!can(actor, 'locations:read') || !isUuid(id)) return null
    const locations = await visibleLocations(actor)
      .select([
        'locations.id',
        'locations.name',
        'locations.postcode',
        'locations.serviceType',
        'locations.registeredBeds',
        'locations.status',
      ])
      .where('locations.providerId', '=', id)
      .orderBy('locations.name')
      .execute()
    // A provider is visible only through a location the actor may see.
    if (locations.length === 0) return null
    const provider = await db
      .selectFrom('providers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    return { provider, locations }
  }

  async function summary(actor: Actor) {
    if (!can(actor, 'locations:read')) return null
    const rows = await visibleLocations(actor)
      .select((eb) => [
        'locations.serviceType',
        eb.fn.countAll<string>().as('locations'),
        eb.fn.sum<string | null>('locations.registeredBeds').as('beds'),
      ])
      .where('locations.status', '=', 'open')
      .groupBy('locations.serviceType')
      .orderBy('locations.serviceType')
      .execute()
    return rows.map((r) => ({
      serviceType: r.serviceType,
      locations: Number(r.locations),
      beds: Number(r.beds ?? 0),
    }))
  }

  return { listLocations, areas, getLocation, getProvider, summary }
}

export type DirectoryService = ReturnType<typeof createDirectoryService>
