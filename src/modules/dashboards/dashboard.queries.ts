import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import { type DayTotals, type FigureKey, ppeRedBelowDays } from '../../domain/dashboards/figures.ts'
import type { Scope } from '../../domain/policy.ts'
import { serviceTypes } from '../../domain/service-types.ts'
import { ppeItems } from '../returns/index.ts'

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
    // A council's market (its own locations and those it contracts with) is one indexable set of ids.
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
      select days.day, loc.*,
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
    select exp.*, exp.id as location_id,
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

// Which rollup answers for a viewer: the whole market's (by council and service type), one council's
// view (by area, in or out of area, contracted), or none (a partner serving several councils, whose
// markets overlap, is answered from the locations themselves).
export type RollupKind = 'national' | 'council' | null

export function rollupFor(view: Viewpoint, filter: Omit<DashboardFilter, 'day'>): RollupKind {
  if (view.scope.kind === 'everything') return filter.area ? 'council' : 'national'
  if (view.scope.kind === 'councils' && view.councilIds.length === 1) return 'council'
  return null
}

const sums = [
  'expected',
  'reported',
  'onTime',
  'ppeRed',
  'outbreak',
  'closedToAdmissions',
  'staffAbsent',
  'staffEmployed',
  'bedsAvailable',
  'vacantBeds',
] as const

export async function totalsFromRollup(
  db: Db,
  view: Viewpoint,
  filter: Omit<DashboardFilter, 'day'>,
  days: readonly string[],
): Promise<DayTotals[]> {
  await ensureRollup(db, days)
  if (rollupFor(view, filter) === 'national') {
    let query = db
      .selectFrom('dashboardDaily')
      .select((eb) => [
        'day',
        'serviceType',
        ...sums.map((k) => eb.fn.sum<string>(k).as(k)),
        eb.fn.sum<string>('casesWeek').as('cases7d'),
        eb.fn.sum<string>('deathsWeek').as('deaths7d'),
      ])
      .where('day', 'in', [...days])
      .groupBy(['day', 'serviceType'])
    if (filter.serviceType) query = query.where('serviceType', '=', filter.serviceType)
    if (filter.contracted === 'yes') query = query.where('contractedAny', '=', true)
    if (filter.contracted === 'no') query = query.where('contractedAny', '=', false)
    return (await query.execute()).map((r) => toTotals(r as TotalsRow))
  }
  let query = db
    .selectFrom('dashboardCouncilDaily')
    .select((eb) => [
      'day',
      'serviceType',
      ...sums.map((k) => eb.fn.sum<string>(k).as(k)),
      eb.fn.sum<string>('casesWeek').as('cases7d'),
      eb.fn.sum<string>('deathsWeek').as('deaths7d'),
    ])
    .where('day', 'in', [...days])
    .groupBy(['day', 'serviceType'])
  if (filter.serviceType) query = query.where('serviceType', '=', filter.serviceType)
  if (filter.area) query = query.where('area', '=', filter.area)
  if (view.scope.kind === 'everything') {
    // Each location once, under its own council; "contracted" means by any council.
    query = query.where('inArea', '=', true)
    if (filter.contracted === 'yes') query = query.where('contractedAny', '=', true)
    if (filter.contracted === 'no') query = query.where('contractedAny', '=', false)
  } else {
    query = query.where('councilId', '=', view.councilIds[0]!)
    if (filter.contracted === 'yes') query = query.where('contracted', '=', true)
    if (filter.contracted === 'no') query = query.where('contracted', '=', false)
    if (filter.inArea === 'in') query = query.where('inArea', '=', true)
    if (filter.inArea === 'out') query = query.where('inArea', '=', false)
  }
  return (await query.execute()).map((r) => toTotals(r as TotalsRow))
}

// The locations of the rollup, once per council that sees them: under their own council (in area) and
// under each other council that contracts with them (out of area). With `councilKey`, only that
// council's view (its own locations, and those it contracts with elsewhere).
function viewpointLocations(councilKey?: string) {
  const contractedBy = (viewpoint: string) =>
    sql`exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = ${sql.raw(viewpoint)})`
  const columns = sql`l.id, l.service_type, l.council_id, coalesce(l.area, '') as area, t.frequency,
    exists (select 1 from council_contracts c where c.location_id = l.id) as contracted_any`
  const own = councilKey
    ? councilKey === noCouncil
      ? sql`l.council_id is null`
      : sql`l.council_id = ${councilKey}`
    : sql`true`
  const elsewhere = councilKey ? sql`cc.council_id = ${councilKey}` : sql`true`
  return sql`
    select ${columns}, coalesce(l.council_id, ${sql.lit(noCouncil)}::uuid) as viewpoint, true as in_area,
      ${contractedBy('l.council_id')} as contracted
    from locations l join return_templates t on t.service_type = l.service_type
    where ${own}
    union all
    select ${columns}, cc.council_id as viewpoint, false as in_area, true as contracted
    from council_contracts cc join locations l on l.id = cc.location_id
    join return_templates t on t.service_type = l.service_type
    where ${elsewhere} and l.council_id is distinct from cc.council_id`
}

// Rebuild the rollup rows of one day, for every council or for one council's view, in one statement:
// each location's measures are worked out once per council that sees it.
export async function rebuildRollupDay(db: DbOrTransaction, day: string, councilKey?: string) {
  let national = db.deleteFrom('dashboardDaily').where('day', '=', day)
  let councils = db.deleteFrom('dashboardCouncilDaily').where('day', '=', day)
  if (councilKey) {
    national = national.where('councilKey', '=', councilKey)
    councils = councils.where('councilId', '=', councilKey)
  }
  await national.execute()
  await councils.execute()
  await sql`
    with m as (${measuresSql(viewpointLocations(councilKey), [day])}),
    national as (
      insert into dashboard_daily (day, council_key, service_type, contracted_any, expected, reported, on_time,
        ppe_red, outbreak, closed_to_admissions, staff_absent, staff_employed, beds_available, vacant_beds,
        cases_week, deaths_week)
      select m.day, m.viewpoint, m.service_type, m.contracted_any, ${aggregates}
      from m where m.in_area
      group by 1, 2, 3, 4
    )
    insert into dashboard_council_daily (day, council_id, area, service_type, in_area, contracted, contracted_any,
      expected, reported, on_time, ppe_red, outbreak, closed_to_admissions, staff_absent, staff_employed,
      beds_available, vacant_beds, cases_week, deaths_week)
    select m.day, m.viewpoint, m.area, m.service_type, m.in_area, m.contracted, m.contracted_any, ${aggregates}
    from m
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db)
}

// Before reading the rollup: build the days never built, and rebuild the councils a saved return has
// made stale since. Each day is rebuilt under an advisory lock, so two readers do not both rebuild it.
export async function ensureRollup(db: Db, days: readonly string[]) {
  const built = new Set(
    (
      await db
        .selectFrom('dashboardDaysBuilt')
        // Days as text, whatever the driver's date parsing.
        .select(sql<string>`cast(day as text)`.as('day'))
        .where('day', 'in', [...days])
        .execute()
    ).map((r) => r.day),
  )
  const stale = await db
    .selectFrom('dashboardStale')
    .select([sql<string>`cast(day as text)`.as('day'), 'councilKey'])
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
  await dashboardStaleInsert(locationId, periodStart, frequency).execute(db)
}

// The statement markDashboardStale runs, for a caller to run with its own (as a common table
// expression of the return's insert: one round trip fewer in the return's transaction).
export function dashboardStaleInsert(locationId: string, periodStart: string, frequency: string) {
  const span = frequency === 'monthly' ? 45 : frequency === 'weekly' ? 20 : 14
  return sql`
    insert into dashboard_stale (day, council_key)
    select cast(${periodStart} as date) + g, v.council_key
    from (
      select coalesce(l.council_id, ${sql.lit(noCouncil)}::uuid) as council_key from locations l where l.id = ${locationId}
      union
      select c.council_id from council_contracts c where c.location_id = ${locationId}
    ) v cross join generate_series(0, ${span - 1}) g
    on conflict do nothing`
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
