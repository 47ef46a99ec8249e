import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import { contractedBy, withLocationFilters } from '../directory/index.ts'
import { ppeItems } from '../returns/index.ts'
import { type DayTotals, type FigureKey, ppeRedBelowDays, stateWindowDays } from './domain/figures.ts'

// The SQL behind the dashboard's figures. One definition of every per-location measure (`measuresSql`)
// serves the headline, the lists behind each figure and the daily rollup (rollup.repository.ts), so
// they cannot drift apart. Benchmarked (docs/performance.md): change the SQL with the measurements.

export type DashboardFilter = {
  day: string
  area?: string
  serviceType?: string
  contracted?: string // 'yes' | 'no'
  inArea?: string // 'in' | 'out'
}

// "Contracted" and "in area" are relative to the viewer's councils (any council for a regional viewer).
export type Viewpoint = { scope: Scope; councilIds: readonly string[] }

type LocQuery = SelectQueryBuilder<Database, 'locations' | 'returnTemplates', Record<string, unknown>>

// The locations a viewer sees, narrowed by the filters (the directory's: one definition of each), with
// the frequency they report at.
export function filteredLocations(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: Omit<DashboardFilter, 'day'>,
) {
  const locations = db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
    // A council's market (its own locations and those it contracts with) is one indexable set of ids.
    .where(locationVisible(view.scope))
  const { serviceType, area, contracted, inArea } = filter
  return withLocationFilters(locations, { serviceType, area, contracted, inArea }, view.councilIds)
}

// State figures are read from `s`, the location's latest return in the window (see stateWindowDays).
const int = (key: string) => sql.raw(`(s.values->>'${key}')::int`)
const int2 = (key: string) => sql.raw(`coalesce((r2.values->>'${key}')::int, 0)`)

// One row per (day, location expected to report that day): the location's return for the period
// containing the day, its measures, and its sums over the 14 and 7 days to the day. The 14-day
// outbreak sums take returns whose period overlaps those days, as early warning's measures do
// (src/domain/early-warning/measures.ts); the 7-day sums of cases and deaths take returns whose period
// began in those 7 days, so a weekly return counts once in a trend of 7-day points, not in two
// (issue 17: 109 deaths where each return counted once gives 101).
// A location is expected when its dated status history says it was open on the first day of that period.
// The state figures (PPE, staff, beds, closed to admissions) are from its latest current return whose
// period began on or before the day and within its frequency's window (stateWindowDays), leaving out nil
// returns (no figures: never read as zeros); `return_id` ("reported") stays the return for the day's own
// period, a nil return included.
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
        case loc.frequency when 'weekly' then ${sql.lit(stateWindowDays.weekly)}
          when 'monthly' then ${sql.lit(stateWindowDays.monthly)} else ${sql.lit(stateWindowDays.daily)} end as state_window,
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
      s.id as figures_return_id,
      case when s.id is not null and s.period_start < exp.period_start then exp.day - s.period_start end as figures_age,
      least(${lowestPpe}) as lowest_ppe,
      case when ${int('staffAbsentCovid')} is not null and ${int('staffAbsentOther')} is not null
        then ${int('staffAbsentCovid')} + ${int('staffAbsentOther')} end as staff_absent,
      ${int('staffEmployed')} as staff_employed,
      ${int('bedsAvailable')} as beds_available,
      ${int('bedsAvailable')} - ${int('bedsOccupied')} as vacant_beds,
      (s.values->>'closedToAdmissions')::boolean as closed_to_admissions,
      coalesce(w.confirmed_14d, 0) as confirmed_14d,
      coalesce(w.suspected_14d, 0) as suspected_14d,
      coalesce(w.cases_7d, 0) as cases_7d,
      coalesce(w.deaths_7d, 0) as deaths_7d
    from exp
    left join situation_returns r
      on r.location_id = exp.id and r.period_start = exp.period_start and r.is_current
    left join lateral (
      select s.id, s.period_start, s.values from situation_returns s
      where s.location_id = exp.id and s.is_current and not s.nil_return
        and s.period_start <= exp.day and s.period_start > exp.day - exp.state_window
      order by s.period_start desc limit 1
    ) s on true
    left join lateral (
      select sum(x.confirmed) as confirmed_14d, sum(x.suspected) as suspected_14d,
        sum(x.confirmed) filter (where x.period_start >= exp.day - 6) as cases_7d,
        sum(x.deaths) filter (where x.period_start >= exp.day - 6) as deaths_7d
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
    contractedBy(eb, councilIds).as('contractedAny'),
  ]) as unknown as LocQuery
}

// The same aggregates over per-location rows, for the headline and the rollup.
export const aggregates = sql`
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
  coalesce(sum(m.deaths_7d), 0) as deaths_7d,
  (count(*) filter (where m.figures_age is not null))::int as figures_earlier,
  coalesce(max(m.figures_age), 0)::int as figures_oldest_days,
  (count(*) filter (where m.figures_return_id is null))::int as figures_none`

export type TotalsRow = Record<string, unknown>

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
    figuresEarlier: n('figuresEarlier'),
    figuresOldestDays: n('figuresOldestDays'),
    figuresNone: n('figuresNone'),
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
