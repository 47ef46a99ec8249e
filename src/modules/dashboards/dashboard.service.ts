import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import {
  type AlertsByOrganisation,
  type DayTotals,
  type FigureKey,
  headline,
  type RagCounts,
  trendDays,
  trends,
} from '../../domain/dashboards/figures.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import {
  type DashboardFilter,
  figurePredicate,
  filteredLocations,
  locationColumns,
  measuresSql,
  rollupFor,
  totalsFromLocations,
  totalsFromRollup,
  type Viewpoint,
} from './dashboard.queries.ts'

// Who sees the situation dashboard: council staff, partners, viewers and regional viewers. Provider
// managers see their own locations' view instead, with the area average beside it.
export function maySeeDashboard(actor: Actor): boolean {
  return can(actor, 'locations:read') && actor.role !== 'provider_manager'
}

export const viewpointOf = (actor: Actor): Viewpoint => ({
  scope: locationScope(actor),
  councilIds: actor.organisationKind === 'region' ? [] : actor.councilIds,
})

export type FilterInput = Omit<DashboardFilter, 'day'> & { day?: string }

export function createDashboardService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const today = () => londonDate(clock.now())

  // Bad input gets a specific message; the page shows it in an error summary and keeps today's figures.
  function checkDay(day: string | undefined): { day: string; error?: string } {
    if (!day) return { day: today() }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T12:00:00Z`)))
      return { day: today(), error: 'Enter a real date, for example 2020-04-27' }
    if (day > today()) return { day: today(), error: 'The date must be today or in the past' }
    if (new Date(`${day}T12:00:00Z`).toISOString().slice(0, 10) !== day)
      return { day: today(), error: 'Enter a real date, for example 2020-04-27' }
    return { day }
  }

  async function dayTotals(view: Viewpoint, filter: Omit<DashboardFilter, 'day'>, days: readonly string[]) {
    return rollupFor(view, filter)
      ? { rows: await totalsFromRollup(db, view, filter, days), source: 'rollup' as const }
      : { rows: await totalsFromLocations(db, view, filter, days), source: 'locations' as const }
  }

  // Red, amber and green now, over the locations open now (a location without a RAG row is green).
  async function ragCounts(view: Viewpoint, filter: Omit<DashboardFilter, 'day'>): Promise<RagCounts> {
    const rows = await filteredLocations(db, view, filter)
      .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
      .select((eb) => [
        eb.fn.coalesce('locationRisk.rag', sql<string>`'green'`).as('rag'),
        eb.fn.countAll<string>().as('count'),
      ])
      .where('locations.status', '=', 'open')
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
  async function openAlerts(
    view: Viewpoint,
    filter: Omit<DashboardFilter, 'day'>,
  ): Promise<AlertsByOrganisation> {
    const rows = await filteredLocations(db, view, filter)
      .innerJoin('alerts', 'alerts.locationId', 'locations.id')
      .innerJoin('cases', 'cases.id', 'alerts.caseId')
      .leftJoin('organisations', 'organisations.id', 'cases.owningOrganisationId')
      .select((eb) => ['organisations.id', 'organisations.name', eb.fn.countAll<string>().as('open')])
      .where('alerts.status', '=', 'open')
      .where('locations.status', '=', 'open')
      .groupBy(['organisations.id', 'organisations.name'])
      .orderBy('organisations.name')
      .execute()
    return rows.map((r) => ({
      organisationId: r.id,
      name: r.name ?? 'Not yet owned',
      open: Number(r.open),
    }))
  }

  async function situation(actor: Actor, input: FilterInput) {
    if (!maySeeDashboard(actor)) return null
    const { day, error } = checkDay(input.day)
    const filter = { ...input, day }
    const view = viewpointOf(actor)
    const days = trendDays(day)
    const [{ rows, source }, rag, alerts] = await Promise.all([
      dayTotals(view, filter, days),
      ragCounts(view, filter),
      openAlerts(view, filter),
    ])
    return {
      filter,
      error,
      source,
      headline: headline(day, rows, rag, alerts),
      trends: trends(days, rows),
      rows: rows as DayTotals[],
    }
  }

  async function areas(actor: Actor): Promise<string[]> {
    if (!maySeeDashboard(actor)) return []
    const rows = await db
      .selectFrom('locations')
      .select('locations.area')
      .distinct()
      .where(locationVisible(locationScope(actor)))
      .where('locations.area', 'is not', null)
      .orderBy('locations.area')
      .limit(500)
      .execute()
    return rows.map((r) => r.area!).filter(Boolean)
  }

  // The locations behind one figure, a page at a time, with the figures that put them there.
  async function figureLocations(
    actor: Actor,
    input: FilterInput,
    figure: FigureKey,
    page: number,
    pageSize: number,
    organisationId?: string,
  ) {
    if (!maySeeDashboard(actor)) return null
    const { day, error } = checkDay(input.day)
    const filter = { ...input, day }
    const view = viewpointOf(actor)
    if (figure === 'red' || figure === 'amber' || figure === 'green' || figure === 'open-alerts') {
      let query = filteredLocations(db, view, filter)
        .innerJoin('providers', 'providers.id', 'locations.providerId')
        .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
        .where('locations.status', '=', 'open')
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
          'locationRisk.rag',
          'locationRisk.openAlerts',
        ])
        .orderBy('locations.name')
        .orderBy('locations.id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute()
      return { filter, error, total: Number(total.n), locations, kind: 'risk' as const }
    }
    const loc = locationColumns(filteredLocations(db, view, filter), view.councilIds)
    const result = await sql<Record<string, unknown>>`
      select m.location_id as id, l.name, l.area, l.service_type, p.id as provider_id, p.name as provider_name,
        m.return_id, m.timing, m.submitted_at, m.lowest_ppe, m.staff_absent, m.staff_employed,
        m.beds_available, m.vacant_beds, m.closed_to_admissions, m.confirmed_14d, m.suspected_14d,
        m.cases_7d, m.deaths_7d, coalesce(lr.rag, 'green') as rag, count(*) over () as total
      from (${measuresSql(loc, [day])}) m
      join locations l on l.id = m.location_id
      join providers p on p.id = l.provider_id
      left join location_risk lr on lr.location_id = m.location_id
      where ${figurePredicate(figure)}
      order by l.name, l.id
      limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(db)
    let total = Number(result.rows[0]?.total ?? 0)
    if (result.rows.length === 0 && page > 1) {
      const count = await sql<{ n: string }>`
        select count(*) as n from (${measuresSql(loc, [day])}) m where ${figurePredicate(figure)}`.execute(db)
      total = Number(count.rows[0]?.n ?? 0)
    }
    return { filter, error, total, locations: result.rows, kind: 'measures' as const }
  }

  // The single view of one location: everything known about it on one page.
  async function locationView(actor: Actor, locationId: string) {
    if (!can(actor, 'locations:read') || !isUuid(locationId)) return null
    const location = await db
      .selectFrom('locations')
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      .leftJoin('organisations as council', 'council.id', 'locations.councilId')
      .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
      .selectAll('locations')
      .select([
        'providers.name as providerName',
        'providers.cqcProviderId',
        'council.name as councilName',
        'locationRisk.rag',
      ])
      .where('locations.id', '=', locationId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()
    if (!location) return null
    const day = today()
    const since = addDaysToIsoDate(day, -7 * 12 + 1)
    const [returns, alerts, contacts] = await Promise.all([
      db
        .selectFrom('situationReturns')
        .select(['id', 'periodStart', 'frequency', 'version', 'values', 'submittedAt', 'timing', 'source'])
        .where('locationId', '=', locationId)
        .where('isCurrent', '=', true)
        .where('periodStart', '>=', since)
        .orderBy('periodStart', 'desc')
        .execute(),
      db
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
        .execute(),
      can(actor, 'contacts:read')
        ? db
            .selectFrom('locationContacts')
            .select(['name', 'jobTitle', 'phone', 'email'])
            .where('locationId', '=', locationId)
            .orderBy('name')
            .execute()
        : Promise.resolve(null),
    ])
    // The latest return before today's, for the "change since" column, even if older than 12 weeks.
    const latest = returns[0] ?? null
    const previous =
      returns[1] ??
      (latest
        ? ((await db
            .selectFrom('situationReturns')
            .select([
              'id',
              'periodStart',
              'frequency',
              'version',
              'values',
              'submittedAt',
              'timing',
              'source',
            ])
            .where('locationId', '=', locationId)
            .where('isCurrent', '=', true)
            .where('periodStart', '<', latest.periodStart)
            .orderBy('periodStart', 'desc')
            .limit(1)
            .executeTakeFirst()) ?? null)
        : null)
    const areaAverage = actor.role === 'provider_manager' ? await areaComparison(location, day) : null
    return { location, day, returns, latest, previous, alerts, contacts, areaAverage }
  }

  // How the location compares with the others of its kind in its area, today: averages only, never a
  // name, and nothing when fewer than three others reported (a small number would identify them).
  async function areaComparison(
    location: { id: string; councilId: string | null; area: string | null; serviceType: string },
    day: string,
  ) {
    if (!location.councilId) return null
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
    const row = result.rows[0]
    const reported = Number(row?.reported ?? 0)
    if (reported < 3) return { reported, suppressed: true as const }
    const round = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10)
    return {
      reported,
      suppressed: false as const,
      lowestPpeDays: round(row?.lowestPpe),
      absenceRate: round(row?.absenceRate),
      vacantBeds: round(row?.vacantBeds),
      area: location.area,
    }
  }

  // A provider's page: its locations the actor may see, each with RAG and latest return.
  async function providerView(actor: Actor, providerId: string) {
    if (!can(actor, 'locations:read') || !isUuid(providerId)) return null
    const locations = await db
      .selectFrom('locations')
      .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
      .select((eb) => [
        'locations.id',
        'locations.name',
        'locations.serviceType',
        'locations.area',
        'locations.status',
        'locations.registeredBeds',
        'locationRisk.rag',
        'locationRisk.openAlerts',
        eb
          .selectFrom('situationReturns')
          .select('situationReturns.periodStart')
          .whereRef('situationReturns.locationId', '=', 'locations.id')
          .where('situationReturns.isCurrent', '=', true)
          .orderBy('situationReturns.periodStart', 'desc')
          .limit(1)
          .as('lastReturn'),
      ])
      .where('locations.providerId', '=', providerId)
      .where(locationVisible(locationScope(actor)))
      .orderBy('locations.name')
      .execute()
    if (locations.length === 0) return null
    const provider = await db
      .selectFrom('providers')
      .selectAll()
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow()
    return { provider, locations }
  }

  return { situation, areas, figureLocations, locationView, providerView, checkDay, today }
}

export type DashboardService = ReturnType<typeof createDashboardService>
