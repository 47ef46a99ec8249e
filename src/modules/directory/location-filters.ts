import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { serviceTypes } from '../../domain/service-types.ts'

// The filters over locations that the directory's list and exports and the dashboard share: one
// definition, so a location counted under a filter on the dashboard is listed under it in the directory.
export type LocationFilters = {
  search?: string
  serviceType?: string
  area?: string
  contracted?: string // 'yes' | 'no'
  inArea?: string // 'in' | 'out'
  status?: string // 'open' | 'dormant' | 'closed'
}

// Narrows a query over `locations` by the filters given (an empty or unknown one narrows nothing).
// "Contracted" and "in area" are relative to `councilIds`, the viewer's councils (none: any council).
// The conditions are added one by one, in this order: the dashboards' measured SQL depends on it.
export function withLocationFilters<Query extends SelectQueryBuilder<Database, 'locations', object>>(
  locations: Query,
  filter: LocationFilters,
  councilIds: readonly string[],
): Query {
  let query = locations as SelectQueryBuilder<Database, 'locations', object>
  if (filter.search) query = query.where(locationSearchMatches(filter.search))
  if (filter.serviceType && (serviceTypes as readonly string[]).includes(filter.serviceType)) {
    query = query.where('locations.serviceType', '=', filter.serviceType)
  }
  if (filter.area) query = query.where('locations.area', '=', filter.area)
  if (filter.status === 'open') query = query.where(isOpenNow)
  if (filter.status === 'dormant')
    query = query.where('locations.status', '=', 'open').where('locations.dormant', '=', true)
  if (filter.status === 'closed') query = query.where('locations.status', '=', 'closed')
  if (filter.contracted === 'yes' || filter.contracted === 'no') {
    query = query.where((eb) =>
      filter.contracted === 'yes' ? contractedBy(eb, councilIds) : eb.not(contractedBy(eb, councilIds)),
    )
  }
  if ((filter.inArea === 'in' || filter.inArea === 'out') && councilIds.length) {
    query = query.where((eb) =>
      filter.inArea === 'in'
        ? eb('locations.councilId', 'in', councilIds)
        : eb.or([eb('locations.councilId', 'is', null), eb('locations.councilId', 'not in', councilIds)]),
    )
  }
  return query as Query
}

// The one search over locations, for the directory's list and the worklist: a name containing the
// text as typed, a postcode with or without its space, or a CQC location ID (in part). The search is
// text, never a pattern: `%` and `_` match themselves.
export function locationSearchMatches(search: string) {
  const like = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const term = like(search.trim())
  const compact = like(search.replace(/\s+/g, ''))
  return sql<boolean>`(lower(locations.name) like ${term} escape '\\'
    or lower(replace(locations.postcode, ' ', '')) like ${compact} escape '\\'
    or lower(locations.cqc_location_id) like ${term} escape '\\')`
}

// Whether a location is contracted by one of `councilIds` (by any council when there are none): the
// "contracted" filter, and the column the lists and downloads show.
// Open now: registered and not dormant. The one meaning of open (location-status.ts's currentStatus)
// for every count, list and export of the market as it is now (issue 17, item 5).
export function isOpenNow(eb: ExpressionBuilder<Database, 'locations'>) {
  return eb.and([eb('locations.status', '=', 'open'), eb('locations.dormant', '=', false)])
}

export function contractedBy(eb: ExpressionBuilder<Database, 'locations'>, councilIds: readonly string[]) {
  return eb.exists(
    eb
      .selectFrom('councilContracts')
      .select(sql`1`.as('one'))
      .whereRef('councilContracts.locationId', '=', 'locations.id')
      .$if(councilIds.length > 0, (q) => q.where('councilContracts.councilId', 'in', councilIds)),
  )
}
