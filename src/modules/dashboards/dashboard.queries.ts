import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import { type DayTotals, type FigureKey, ppeRedBelowDays } from '../../domain/dashboards/figures.ts'
import type { Scope } from '../../domain/policy.ts'
import { ppeItems } from '../../domain/returns/dataset.ts'
import { serviceTypes } from '../../domain/service-types.ts'

// The SQL behind the dashboard. One definition of every per-location measure (`measuresSql`) serves
// the headline, the lists behind each figure and the daily rollup, so they cannot drift apart.

export type DashboardFilter = {
  day: string
  area?: string
  serviceType?: string
  contracted?: string // 'yes' | 'no'
  inArea?: string // 'in' | 'out'
}

// "Contracted" and "in area" are relative to the viewer's councils (any council for a regional viewer).
export type Viewpoint = { scope: Scope; councilIds: readonly string[] }

export const noCouncil = '00000000-0000-0000-0000-000000000000'

type LocQuery = SelectQueryBuilder<Database, 'locations' | 'returnTemplates', Record<string, unknown>>

// The locations a viewer sees, narrowed by the filters, with the frequency they report at.
export function filteredLocations(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: Omit<DashboardFilter, 'day'>,
) {
  let query = db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
    .where(locationVisible(view.scope))
  if (filter.serviceType && (serviceTypes as readonly string[]).includes(filter.serviceType))
    query = query.where('locations.serviceType', '=', filter.serviceType)
  if (filter.area) query = query.where('locations.area', '=', filter.area)
  const councils = view.councilIds
  if (filter.contracted === 'yes' || filter.contracted === 'no') {
    query = query.where((eb) => {
      let contract = eb
        .selectFrom('councilContracts')
        .select(sql`1`.as('one'))
        .whereRef('councilContracts.locationId', '=', 'locations.id')
      if (councils.length) contract = contract.where('councilContracts.councilId', 'in', councils)
      return filter.contracted === 'yes' ? eb.exists(contract) : eb.not(eb.exists(contract))
    })
  }
  if ((filter.inArea === 'in' || filter.inArea === 'out') && councils.length) {
    query = query.where((eb) =>
      filter.inArea === 'in'
        ? eb('locations.councilId', 'in', councils)
        : eb.or([eb('locations.councilId', 'is', null), eb('locations.councilId', 'not in', councils)]),
    )
  }
  return query
}

const int = (key: string) => sql.raw(`(r.values->>'${key}')::int`)
const int2 = (key: string) => sql.raw(`coalesce((r2.values->>'${key}')::int, 0)`)

// One row per (day, location expected to report that day): the location's return for the period
// containing the day, its measures, and its sums over the 14 and 7 days to the day (returns whose
// period overlaps those days, as early warning's measures count them: src/domain/early-warning/measures.ts).
// A location is expected when its dated status history says it was open on the first day of that period.
export function measuresSql(locations: LocQuery | RawBuilder<unknown>, days: readonly string[]) {
  const lowestPpe = sql.join(
    ppeItems.map(([key]) => int(`ppeDays${key}`)),
    sql`, `,
  )
  return sql`
    with days as (select cast(d as date) as day from unnest(cast(${[...days]} as text[])) as d),
    loc as (${locations}),
    ld as (
      select days.day, loc.id, loc.service_type, loc.council_id, loc.contracted_any,
        case loc.frequency when 'weekly' then 6 when 'monthly' then 30 else 0 end as overlap,
        case loc.frequency
          when 'weekly' then cast(date_trunc('week', cast(days.day as timestamp)) as date)
          when 'monthly' then cast(date_trunc('month', cast(days.day as timestamp)) as date)
          else days.day end as period_start
      from days cross join loc
    ),
    exp as (
      select ld.* from ld
      where (select e.status from location_status_events e
             where e.location_id = ld.id and e.effective_from <= ld.period_start
             order by e.effective_from desc, e.id desc limit 1) = 'open'
    )
    select exp.day, exp.id as location_id, exp.service_type, exp.council_id, exp.contracted_any,
      r.id as return_id, r.timing, r.submitted_at,
      least(${lowestPpe}) as lowest_ppe,
      case when ${int('staffAbsentCovid')} is not null and ${int('staffAbsentOther')} is not null
        then ${int('staffAbsentCovid')} + ${int('staffAbsentOther')} end as staff_absent,
      ${int('staffEmployed')} as staff_employed,
      ${int('bedsAvailable')} as beds_available,
      ${int('bedsAvailable')} - ${int('bedsOccupied')} as vacant_beds,
      (r.values->>'closedToAdmissions')::boolean as closed_to_admissions,
      coalesce(w.confirmed_14d, 0) as confirmed_14d,
      coalesce(w.suspected_14d, 0) as suspected_14d,
      coalesce(w.cases_7d, 0) as cases_7d,
      coalesce(w.deaths_7d, 0) as deaths_7d
    from exp
    left join situation_returns r
      on r.location_id = exp.id and r.period_start = exp.period_start and r.is_current
    left join lateral (
      select sum(x.confirmed) as confirmed_14d, sum(x.suspected) as suspected_14d,
        sum(x.confirmed) filter (where x.period_start >= exp.day - 6 - exp.overlap) as cases_7d,
        sum(x.deaths) filter (where x.period_start >= exp.day - 6 - exp.overlap) as deaths_7d
      from (
        select r2.period_start,
          ${int2('confirmedCasesResidents')} + ${int2('confirmedCasesStaff')} as confirmed,
          ${int2('suspectedCasesResidents')} + ${int2('suspectedCasesStaff')} as suspected,
          ${int2('covidDeathsResidents')} + ${int2('otherDeathsResidents')} + ${int2('covidDeathsStaff')} as deaths
        from situation_returns r2
        where r2.location_id = exp.id and r2.is_current
          and r2.period_start >= exp.day - 13 - exp.overlap and r2.period_start <= exp.day
      ) x
    ) w on true`
}

// The columns every location query hands to `measuresSql`.
export function locationColumns(query: ReturnType<typeof filteredLocations>, councilIds: readonly string[]) {
  return query.select((eb) => [
    'locations.id',
    'locations.serviceType',
    'locations.councilId',
    'returnTemplates.frequency',
    eb
      .exists(
        eb
          .selectFrom('councilContracts')
          .select(sql`1`.as('one'))
          .whereRef('councilContracts.locationId', '=', 'locations.id')
          .$if(councilIds.length > 0, (q) => q.where('councilContracts.councilId', 'in', councilIds)),
      )
      .as('contractedAny'),
  ]) as unknown as LocQuery
}

// The same aggregates over per-location rows, for the headline and the rollup.
const aggregates = sql`
  count(*)::int as expected,
  count(m.return_id)::int as reported,
  (count(*) filter (where m.timing = 'on-time'))::int as on_time,
  (count(*) filter (where m.lowest_ppe < ${sql.lit(ppeRedBelowDays)}))::int as ppe_red,
  (count(*) filter (where m.confirmed_14d > 0 or m.suspected_14d >= 2))::int as outbreak,
  (count(*) filter (where m.closed_to_admissions))::int as closed_to_admissions,
  coalesce(sum(m.staff_absent) filter (where m.staff_absent is not null and m.staff_employed > 0), 0) as staff_absent,
  coalesce(sum(m.staff_employed) filter (where m.staff_absent is not null and m.staff_employed > 0), 0) as staff_employed,
  coalesce(sum(m.beds_available) filter (where m.vacant_beds is not null), 0) as beds_available,
  coalesce(sum(m.vacant_beds) filter (where m.vacant_beds is not null), 0) as vacant_beds,
  coalesce(sum(m.cases_7d), 0) as cases_7d,
  coalesce(sum(m.deaths_7d), 0) as deaths_7d`

type TotalsRow = Record<string, unknown>

export function toTotals(row: TotalsRow): DayTotals {
  const n = (k: string) => Number(row[k] ?? 0)
  return {
    day: String(row.day),
    serviceType: String(row.serviceType),
    expected: n('expected'),
    reported: n('reported'),
    onTime: n('onTime'),
    ppeRed: n('ppeRed'),
    outbreak: n('outbreak'),
    closedToAdmissions: n('closedToAdmissions'),
    staffAbsent: n('staffAbsent'),
    staffEmployed: n('staffEmployed'),
    bedsAvailable: n('bedsAvailable'),
    vacantBeds: n('vacantBeds'),
    cases7d: n('cases7d'),
    deaths7d: n('deaths7d'),
  }
}

// Day totals computed from the returns of each location the viewer sees: for one council's market.
export async function totalsFromLocations(
  db: Db,
  view: Viewpoint,
  filter: Omit<DashboardFilter, 'day'>,
  days: readonly string[],
): Promise<DayTotals[]> {
  const loc = locationColumns(filteredLocations(db, view, filter), view.councilIds)
  const result = await sql<TotalsRow>`
    select m.day, m.service_type, ${aggregates}
    from (${measuresSql(loc, days)}) m
    group by m.day, m.service_type`.execute(db)
  return result.rows.map(toTotals)
}

// The rollup can answer for a viewer who sees everything, unless the filters need a location's area.
export function rollupAnswers(view: Viewpoint, filter: Omit<DashboardFilter, 'day'>): boolean {
  return view.scope.kind === 'everything' && !filter.area
}

export async function totalsFromRollup(
  db: Db,
  filter: Omit<DashboardFilter, 'day'>,
  days: readonly string[],
): Promise<DayTotals[]> {
  await ensureRollup(db, days)
  let query = db
    .selectFrom('dashboardDaily')
    .select((eb) => [
      'day',
      'serviceType',
      eb.fn.sum<string>('expected').as('expected'),
      eb.fn.sum<string>('reported').as('reported'),
      eb.fn.sum<string>('onTime').as('onTime'),
      eb.fn.sum<string>('ppeRed').as('ppeRed'),
      eb.fn.sum<string>('outbreak').as('outbreak'),
      eb.fn.sum<string>('closedToAdmissions').as('closedToAdmissions'),
      eb.fn.sum<string>('staffAbsent').as('staffAbsent'),
      eb.fn.sum<string>('staffEmployed').as('staffEmployed'),
      eb.fn.sum<string>('bedsAvailable').as('bedsAvailable'),
      eb.fn.sum<string>('vacantBeds').as('vacantBeds'),
      eb.fn.sum<string>('casesWeek').as('cases7d'),
      eb.fn.sum<string>('deathsWeek').as('deaths7d'),
    ])
    .where('day', 'in', [...days])
    .groupBy(['day', 'serviceType'])
  if (filter.serviceType) query = query.where('serviceType', '=', filter.serviceType)
  if (filter.contracted === 'yes') query = query.where('contractedAny', '=', true)
  if (filter.contracted === 'no') query = query.where('contractedAny', '=', false)
  const rows = await query.execute()
  return rows.map((r) => toTotals(r as TotalsRow))
}

// Rebuild the rollup rows of one day: for every council, or for one council's locations.
export async function rebuildRollupDay(db: DbOrTransaction, day: string, councilKey?: string) {
  let locations = db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
  if (councilKey)
    locations =
      councilKey === noCouncil
        ? locations.where('locations.councilId', 'is', null)
        : locations.where('locations.councilId', '=', councilKey)
  const loc = locationColumns(locations as ReturnType<typeof filteredLocations>, [])
  let remove = db.deleteFrom('dashboardDaily').where('day', '=', day)
  if (councilKey) remove = remove.where('councilKey', '=', councilKey)
  await remove.execute()
  await sql`
    insert into dashboard_daily (day, council_key, service_type, contracted_any, expected, reported, on_time,
      ppe_red, outbreak, closed_to_admissions, staff_absent, staff_employed, beds_available, vacant_beds,
      cases_week, deaths_week)
    select m.day, coalesce(m.council_id, ${noCouncil}::uuid), m.service_type, m.contracted_any, ${aggregates}
    from (${measuresSql(loc, [day])}) m
    group by 1, 2, 3, 4`.execute(db)
}

// Before reading the rollup: build the days never built, and rebuild the councils a saved return has
// made stale since. Each day is rebuilt under an advisory lock, so two readers do not both rebuild it.
export async function ensureRollup(db: Db, days: readonly string[]) {
  const built = new Set(
    (
      await db
        .selectFrom('dashboardDaysBuilt')
        .select('day')
        .where('day', 'in', [...days])
        .execute()
    ).map((r) => r.day),
  )
  const stale = await db
    .selectFrom('dashboardStale')
    .select(['day', 'councilKey'])
    .where('day', 'in', [...days])
    .execute()
  for (const day of days) {
    const staleCouncils = stale.filter((s) => s.day === day).map((s) => s.councilKey)
    if (built.has(day) && staleCouncils.length === 0) continue
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`dashboard-rollup:${day}`}))`.execute(trx)
      const isBuilt = await trx
        .selectFrom('dashboardDaysBuilt')
        .select('day')
        .where('day', '=', day)
        .executeTakeFirst()
      if (!isBuilt) {
        await rebuildRollupDay(trx, day)
        await trx.deleteFrom('dashboardStale').where('day', '=', day).execute()
        await trx.insertInto('dashboardDaysBuilt').values({ day, builtAt: new Date() }).execute()
        return
      }
      const nowStale = await trx
        .deleteFrom('dashboardStale')
        .where('day', '=', day)
        .returning('councilKey')
        .execute()
      for (const { councilKey } of nowStale) await rebuildRollupDay(trx, day, councilKey)
    })
  }
}

// Called wherever a return is saved, in the same transaction: the days whose figures it can change (its
// period, and the 14 days after it ends, for the outbreak and 7-day windows) are stale for its council.
export async function markDashboardStale(
  db: DbOrTransaction,
  locationId: string,
  periodStart: string,
  frequency: string,
) {
  const span = frequency === 'monthly' ? 45 : frequency === 'weekly' ? 20 : 14
  await sql`
    insert into dashboard_stale (day, council_key)
    select cast(${periodStart} as date) + g, coalesce(l.council_id, ${noCouncil}::uuid)
    from locations l cross join generate_series(0, ${span - 1}) g
    where l.id = ${locationId}
    on conflict do nothing`.execute(db)
}

// The predicate for each figure's list, over the rows of `measuresSql` (alias m) and location_risk (lr).
export function figurePredicate(figure: FigureKey): RawBuilder<unknown> {
  switch (figure) {
    case 'expected':
      return sql`true`
    case 'reported':
      return sql`m.return_id is not null`
    case 'missing':
      return sql`m.return_id is null`
    case 'ppe-red':
      return sql`m.lowest_ppe < ${sql.lit(ppeRedBelowDays)}`
    case 'outbreak':
      return sql`(m.confirmed_14d > 0 or m.suspected_14d >= 2)`
    case 'closed-to-admissions':
      return sql`m.closed_to_admissions`
    case 'vacancies':
      return sql`m.vacant_beds > 0`
    case 'deaths':
      return sql`m.deaths_7d > 0`
    case 'absence':
      return sql`m.staff_absent > 0 and m.staff_employed > 0`
    default:
      return sql`false`
  }
}
