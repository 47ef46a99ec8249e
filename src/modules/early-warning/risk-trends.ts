import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import type { Frequency } from '../returns/index.ts'
import { riskFigureFields, windowStart } from './domain/measures.ts'
import type { FigureHistory, LocationTrends, TrendNeeds } from './domain/trends.ts'

// The figures behind the trend and outlier tests (domain/trends.ts), set-based, in one statement over
// return_risk_figures: the 4-week sums by hashing (no order needed); only each location's last few
// periods (the longest run asked for) numbered newest first with window functions (row_number, lead),
// giving the runs of rises and falls over consecutive periods; percentile_cont over the peers' latest
// figures (same council, same service type) gives the percentiles. Run only when a rule in use has a
// trend test. Sorting every return of four weeks for the window functions cost twice as much.

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const ppeColumns = riskFigureFields.filter((k) => k.startsWith('ppeDays')).map(snake)

// Each trend figure from a row `f` of return_risk_figures, as measures.ts works it out from the latest
// return: staff absence to one decimal place (half up: floor(x + 0.5) is JavaScript's Math.round, in
// the same double precision), the least PPE stock of any item reported. Doubles, not numeric: numeric
// arithmetic over every return of four weeks costs more than the rest of the statement.
const figureSql: Record<string, ReturnType<typeof sql>> = {
  staff_absence_percent: sql`case when f.staff_employed <> 0 and f.staff_absent_covid is not null
      and f.staff_absent_other is not null
    then floor(1000 * (f.staff_absent_covid + f.staff_absent_other)::float8 / f.staff_employed + 0.5) / 10 end`,
  lowest_ppe_days: sql`least(${sql.join(ppeColumns.map((c) => sql.ref(`f.${c}`)))})::float8`,
  vacancies: sql`(f.beds_available - f.beds_occupied)::float8`,
}

const frequencies = ['daily', 'weekly', 'monthly'] as const
const noCouncil = '00000000-0000-0000-0000-000000000000'

const isoMinusDays = (iso: string, days: number) => addDaysToIsoDate(iso, -days)
const isoMinusMonths = (iso: string, months: number) => {
  const [y, m] = iso.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 1 - months, 1)).toISOString().slice(0, 10)
}

// Per frequency: the latest return counts when its period overlaps the last 14 days (as for the other
// measures); the 4-week average reads the returns whose periods overlap the last 28 days; a run of N
// needs N periods before the latest.
export function trendBounds(today: string, needs: TrendNeeds) {
  const bounds = {} as Record<Frequency, { latest: string; baseline: string; scan: string; recent: string }>
  for (const f of frequencies) {
    const latest = windowStart(today, 14, f)
    const baseline = windowStart(today, 28, f)
    const n = needs.longestRun
    const run =
      f === 'daily'
        ? isoMinusDays(latest, n)
        : f === 'weekly'
          ? isoMinusDays(latest, 7 * n)
          : isoMinusMonths(latest, n)
    const scan = [latest, needs.change ? baseline : latest, n > 0 ? run : latest].sort()[0]!
    // The earliest period a run can reach back to: a location's latest period is no earlier than
    // `latest`, and the series reads at most one period more than the longest run before it.
    const one =
      f === 'daily'
        ? isoMinusDays(latest, 1)
        : f === 'weekly'
          ? isoMinusDays(latest, 7)
          : isoMinusMonths(latest, 1)
    const recent = [n > 0 ? run : latest, one].sort()[0]!
    bounds[f] = { latest, baseline, scan, recent }
  }
  return bounds
}

const byFrequency = (column: string, pick: (f: Frequency) => string) =>
  sql`case ${sql.ref(column)} when 'daily' then ${pick('daily')}::date when 'weekly' then ${pick('weekly')}::date else ${pick('monthly')}::date end`

type TrendRow = {
  locationId: string
  frequency: Frequency
  latestStart: string
} & Record<string, unknown>

// The trend figures of every location (or of `locationIds`; their peers are read too), by location.
export async function trendsForLocations(
  db: DbOrTransaction,
  today: string,
  needs: TrendNeeds,
  locationIds?: readonly string[],
): Promise<Map<string, LocationTrends>> {
  const figures = needs.figures.filter((name) => figureSql[name])
  if (figures.length === 0 || locationIds?.length === 0) return new Map()
  const { rows } = await trendQuery(today, needs, figures, locationIds).execute(db.withoutPlugins())
  return historiesByLocation(rows, figures, needs)
}

// The statement (exported for looking at its plan).
export function trendQuery(
  today: string,
  needs: TrendNeeds,
  figures: readonly string[],
  locationIds?: readonly string[],
) {
  const bounds = trendBounds(today, needs)
  const ids = locationIds ? sql`${sql.val([...locationIds])}::uuid[]` : null
  const peersWanted = needs.percentiles.length > 0
  // The locations read: those asked for, and with percentiles to work out, their peers.
  const scope = !ids
    ? sql``
    : peersWanted
      ? sql`and exists (select 1 from locations r where r.id = any(${ids})
              and r.council_id is not distinct from l.council_id and r.service_type = l.service_type)`
      : sql`and l.id = any(${ids})`
  const v = (i: number) => sql.raw(`v${i}`)
  const p = (i: number) => sql.raw(`p${i}`)
  const fractions = sql`${sql.val(needs.percentiles.map((q) => q / 100))}::float8[]`
  const longest = Math.max(needs.longestRun, 1)
  return sql<TrendRow>`
    with scoped as (
      select l.id, l.council_id, l.service_type from locations l where true ${scope}
    ),
    figures as materialized (
      select f.location_id, f.frequency, f.period_start,
             f.period_start >= ${byFrequency('f.frequency', (q) => bounds[q].baseline)} as in_baseline,
             ${sql.join(figures.map((name, i) => sql`${figureSql[name]!} as ${v(i)}`))}
      from return_risk_figures f ${ids ? sql`join scoped s on s.id = f.location_id` : sql``}
      -- One range per frequency, each read from the (frequency, period_start) index: a bound that
      -- depends on the row's frequency could only filter a scan of every return ever made.
      where f.period_start <= ${today}::date
        and (${sql.join(
          frequencies.map((q) => sql`(f.frequency = ${q} and f.period_start >= ${bounds[q].scan}::date)`),
          sql` or `,
        )})
    ),
    -- Sums over the last 4 weeks, by hashing: no order needed.
    totals as (
      select location_id, min(frequency) as frequency, max(period_start) as latest_start,
             ${sql.join(
               figures.map(
                 (_, i) => sql`sum(${v(i)}) filter (where in_baseline) as ${sql.raw(`total${i}`)},
             count(${v(i)}) filter (where in_baseline)::int as ${sql.raw(`counted${i}`)}`,
               ),
             )}
      from figures group by location_id
    ),
    -- Only each location's last few periods are put in order, for the runs.
    series as (
      select f.*,
             ${sql.join(figures.map((_, i) => sql`lead(${v(i)}) over w as ${p(i)}`))},
             row_number() over w as rn,
             coalesce(lead(f.period_start) over w = case f.frequency when 'daily' then f.period_start - 1
               when 'weekly' then f.period_start - 7
               else (f.period_start - interval '1 month')::date end, false) as follows_on
      from figures f join totals t on t.location_id = f.location_id
      -- Rows older than any run could reach are left out before the join.
      where f.period_start >= ${byFrequency('f.frequency', (q) => bounds[q].recent)}
        and f.period_start >= case t.frequency when 'daily' then t.latest_start - ${longest}::int
        when 'weekly' then t.latest_start - ${7 * longest}::int
        else (t.latest_start - make_interval(months => ${longest}::int))::date end
      window w as (partition by f.location_id order by f.period_start desc)
    ),
    runs as (
      select location_id,
             ${sql.join(
               figures.map(
                 (_, i) => sql`
             max(${v(i)}) filter (where rn = 1) as ${sql.raw(`latest${i}`)},
             min(rn) filter (where not coalesce(follows_on and ${v(i)} > ${p(i)}, false)) - 1 as ${sql.raw(`rising${i}`)},
             min(rn) filter (where not coalesce(follows_on and ${v(i)} < ${p(i)}, false)) - 1 as ${sql.raw(`falling${i}`)},
             array_agg(${v(i)} order by rn) as ${sql.raw(`recent${i}`)}`,
               ),
             )}
      from series
      group by location_id
    ),
    -- The 4-week average of the other returns: the latest is always within the 4 weeks.
    histories as (
      select t.location_id, t.frequency, t.latest_start,
             ${sql.join(
               figures.map(
                 (_, i) => sql`${sql.raw(`r.latest${i}, r.rising${i}, r.falling${i}, r.recent${i}`)},
             (t.${sql.raw(`total${i} - coalesce(r.latest${i}, 0)) / nullif(t.counted${i} - (r.latest${i} is not null)::int, 0)`)} as ${sql.raw(`baseline${i}`)},
             (t.${sql.raw(`counted${i} - (r.latest${i} is not null)::int`)})::int as ${sql.raw(`baseline_returns${i}`)}`,
               ),
             )}
      from totals t join runs r on r.location_id = t.location_id
    ),
    latest as (
      -- A location with no council is a peer of the others with none: one key that equality can hash
      -- (joining on "is not distinct from" compared every location with every group).
      select h.*, coalesce(s.council_id, ${noCouncil}::uuid) as council_key, s.service_type
      from histories h join scoped s on s.id = h.location_id
      where h.latest_start >= ${byFrequency('h.frequency', (q) => bounds[q].latest)}
    ),
    peer_groups as (
      select council_key, service_type,
             ${sql.join(
               figures.map(
                 (_, i) => sql`count(${sql.raw(`latest${i}`)})::int as ${sql.raw(`peers${i}`)},
             ${peersWanted ? sql`percentile_cont(${fractions}) within group (order by ${sql.raw(`latest${i}`)})` : sql`null::float8[]`} as ${sql.raw(`percentiles${i}`)}`,
               ),
             )}
      from latest
      ${peersWanted ? sql`` : sql`where false`}
      group by council_key, service_type
    )
    select l.location_id as "locationId", l.frequency, to_char(l.latest_start, 'YYYY-MM-DD') as "latestStart",
           ${sql.join(
             figures.map(
               (_, i) =>
                 sql`${sql.raw(`l.latest${i}, l.rising${i}, l.falling${i}, l.recent${i}, l.baseline${i}, l.baseline_returns${i}, g.peers${i}, g.percentiles${i}`)}`,
             ),
           )}
    from latest l
    left join peer_groups g on g.council_key = l.council_key and g.service_type = l.service_type
    ${ids ? sql`where l.location_id = any(${ids})` : sql``}`
}

function historiesByLocation(rows: readonly TrendRow[], figures: readonly string[], needs: TrendNeeds) {
  const result = new Map<string, LocationTrends>()
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  for (const row of rows) {
    const trends: LocationTrends = {}
    figures.forEach((name, i) => {
      const percentiles: Record<string, number> = {}
      const values = row[`percentiles${i}`] as (number | null)[] | null
      needs.percentiles.forEach((q, j) => {
        const value = values?.[j]
        if (value !== null && value !== undefined) percentiles[String(q)] = Number(value)
      })
      const history: FigureHistory = {
        frequency: row.frequency,
        latestStart: row.latestStart,
        latest: number(row[`latest${i}`]),
        recent: ((row[`recent${i}`] as unknown[] | null) ?? []).map(number),
        rising: Number(row[`rising${i}`] ?? 0),
        falling: Number(row[`falling${i}`] ?? 0),
        baselineAverage: number(row[`baseline${i}`]),
        baselineReturns: Number(row[`baseline_returns${i}`] ?? 0),
        peers: Number(row[`peers${i}`] ?? 0),
        percentiles,
      }
      trends[name] = history
    })
    result.set(row.locationId, trends)
  }
  return result
}
