import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Scope } from '../../domain/policy.ts'
import { isOpenNow } from '../directory/index.ts'
import type { AlertsByOrganisation, FigureKey, RagCounts } from './domain/figures.ts'
import {
  type DashboardFilter,
  figurePredicate,
  filteredLocations,
  locationColumns,
  measuresSql,
  type Viewpoint,
} from './measures.repository.ts'
import type { RiskShown } from './risk-shown.ts'

// The dashboard's "now" figures (RAG and open alerts, over the locations open now) and the lists of
// locations behind every figure. Benchmarked (docs/performance.md): change the SQL with the measurements.

type Filter = Omit<DashboardFilter, 'day'>

// Red, amber and green now, over the locations open now (a location without a RAG row is green).
export async function ragCounts(db: DbOrTransaction, view: Viewpoint, filter: Filter): Promise<RagCounts> {
  const rows = await filteredLocations(db, view, filter)
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .select((eb) => [
      eb.fn.coalesce('locationRisk.rag', sql<string>`'green'`).as('rag'),
      eb.fn.countAll<string>().as('count'),
    ])
    .where(isOpenNow)
    .groupBy(sql`coalesce(location_risk.rag, 'green')`)
    .execute()
  const count = (rag: string) => Number(rows.find((r) => r.rag === rag)?.count ?? 0)
  return {
    red: count('red'),
    amber: count('amber'),
    green: count('green'),
    open: rows.reduce((n, r) => n + Number(r.count), 0),
  }
}

// Open alerts at locations open now, by the organisation that owns the location's case.
export async function openAlertsByOrganisation(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: Filter,
): Promise<AlertsByOrganisation> {
  const rows = await filteredLocations(db, view, filter)
    .innerJoin('alerts', 'alerts.locationId', 'locations.id')
    .innerJoin('cases', 'cases.id', 'alerts.caseId')
    .leftJoin('organisations', 'organisations.id', 'cases.owningOrganisationId')
    .select((eb) => ['organisations.id', 'organisations.name', eb.fn.countAll<string>().as('open')])
    .where('alerts.status', '=', 'open')
    .where(isOpenNow)
    .groupBy(['organisations.id', 'organisations.name'])
    .orderBy('organisations.name')
    .execute()
  return rows.map((r) => ({
    organisationId: r.id,
    name: r.name ?? 'Not yet owned',
    open: Number(r.open),
  }))
}

// The areas of the locations in scope, for the area filter.
export async function areasInScope(db: DbOrTransaction, scope: Scope): Promise<string[]> {
  if (scope.kind === 'everything') {
    // Every area of the country, found one after another through the index by area (migration 0050):
    // about 70 lookups, where reading every location for them took 15 ms nationally.
    const { rows } = await sql<{ area: string }>`
      with recursive found(area) as (
        select min(area) from locations
        union all
        select (select min(l.area) from locations l where l.area > found.area) from found where found.area is not null)
      select area from found where area is not null limit 500`.execute(db)
    return rows.map((r) => r.area).filter(Boolean)
  }
  const rows = await db
    .selectFrom('locations')
    .select('locations.area')
    .distinct()
    .where(locationVisible(scope))
    .where('locations.area', 'is not', null)
    .orderBy('locations.area')
    .limit(500)
    .execute()
  return rows.map((r) => r.area!).filter(Boolean)
}

export type RiskFigure = 'red' | 'amber' | 'green' | 'open-alerts'
export const isRiskFigure = (figure: FigureKey): figure is RiskFigure =>
  figure === 'red' || figure === 'amber' || figure === 'green' || figure === 'open-alerts'

type Page = { page: number; pageSize: number }

// The locations open now at a RAG, or with open alerts (owned by `organisationId`, or by nobody: 'none'),
// each with its RAG and open alerts as far as `shown` lets the reader see them.
export async function riskFigureLocations(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: Filter,
  figure: RiskFigure,
  { page, pageSize }: Page,
  shown: RiskShown,
  organisationId?: string,
) {
  let query = filteredLocations(db, view, filter)
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .where(isOpenNow)
  if (figure === 'open-alerts') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('alerts')
          .innerJoin('cases', 'cases.id', 'alerts.caseId')
          .select(sql`1`.as('one'))
          .whereRef('alerts.locationId', '=', 'locations.id')
          .where('alerts.status', '=', 'open')
          .$if(organisationId === 'none', (q) => q.where('cases.owningOrganisationId', 'is', null))
          .$if(!!organisationId && isUuid(organisationId), (q) =>
            q.where('cases.owningOrganisationId', '=', organisationId!),
          ),
      ),
    )
  } else if (figure === 'green') {
    query = query.where((eb) =>
      eb.or([eb('locationRisk.rag', 'is', null), eb('locationRisk.rag', '=', 'green')]),
    )
  } else query = query.where('locationRisk.rag', '=', figure)
  const total = await query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  const locations = await query
    .select([
      'locations.id',
      'locations.name',
      'locations.area',
      'locations.serviceType',
      'providers.id as providerId',
      'providers.name as providerName',
    ])
    .$if(shown.rag, (q) => q.select('locationRisk.rag'))
    .$if(shown.alerts, (q) => q.select('locationRisk.openAlerts'))
    .orderBy('locations.name')
    .orderBy('locations.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()
  return { total: Number(total.n), locations }
}

// The locations behind a figure of `day`'s returns, with the measures that put them there, and each
// one's RAG when `shown` lets the reader see it.
export async function measureFigureLocations(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: Filter,
  day: string,
  figure: FigureKey,
  { page, pageSize }: Page,
  shown: RiskShown,
) {
  const loc = locationColumns(filteredLocations(db, view, filter), view.councilIds)
  const rag = shown.rag
    ? {
        column: sql`coalesce(lr.rag, 'green') as rag,`,
        join: sql`left join location_risk lr on lr.location_id = m.location_id`,
      }
    : { column: sql``, join: sql`` }
  const result = await sql<Record<string, unknown>>`
      select m.location_id as id, l.name, l.area, l.service_type, p.id as provider_id, p.name as provider_name,
        m.return_id, m.timing, m.submitted_at, m.lowest_ppe, m.staff_absent, m.staff_employed,
        m.beds_available, m.vacant_beds, m.closed_to_admissions, m.confirmed_14d, m.suspected_14d,
        m.cases_7d, m.deaths_7d, ${rag.column} count(*) over () as total
      from (${measuresSql(loc, [day])}) m
      join locations l on l.id = m.location_id
      join providers p on p.id = l.provider_id
      ${rag.join}
      where ${figurePredicate(figure)}
      order by l.name, l.id
      limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(db)
  let total = Number(result.rows[0]?.total ?? 0)
  // A page past the end has no row to carry the total: count them.
  if (result.rows.length === 0 && page > 1) {
    const count = await sql<{ n: string }>`
        select count(*) as n from (${measuresSql(loc, [day])}) m where ${figurePredicate(figure)}`.execute(db)
    total = Number(count.rows[0]?.n ?? 0)
  }
  return { total, locations: result.rows }
}
