import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import type { Frequency } from '../returns/index.ts'
import { riskFigureFields, windowStart } from './domain/measures.ts'
import { type TrendAggregate, trendHistories } from './domain/trend-histories.ts'
import type { LocationTrends, TrendNeeds } from './domain/trends.ts'

// The figures behind the trend and outlier tests (domain/trends.ts), in one scan of
// return_risk_figures grouped by location (hashing: no order needed): per figure its sum and count over
// the last 4 weeks, and the values of the recent periods a run may read, in no order. The runs, the
// averages and the peers' percentiles are worked out from those in JavaScript
// (domain/trend-histories.ts). Run only when a rule in use has a trend test. Numbering each location's
// periods with window functions in SQL cost more than the scan itself (sorting every recent return).

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const ppeColumns = riskFigureFields.filter((k) => k.startsWith('ppeDays')).map(snake)

// Each trend figure from a row `f` of return_risk_figures as a whole number on its scale, as
// measures.ts works it out from the latest return: staff absence in tenths of a per cent (half up:
// floor(x + 0.5) is JavaScript's Math.round, in the same double precision), the least PPE stock of any
// item reported. Whole numbers add up exactly in any order, so a recompute gives the same averages twice.
const figureSql: Record<string, { scale: number; expression: ReturnType<typeof sql> }> = {
  staff_absence_percent: {
    scale: 10,
    expression: sql`case when f.staff_employed <> 0 and f.staff_absent_covid is not null
      and f.staff_absent_other is not null
    then floor(1000 * (f.staff_absent_covid + f.staff_absent_other)::float8 / f.staff_employed + 0.5)::int end`,
  },
  lowest_ppe_days: {
    scale: 1,
    expression: sql`least(${sql.join(ppeColumns.map((c) => sql.ref(`f.${c}`)))})`,
  },
  vacancies: { scale: 1, expression: sql`(f.beds_available - f.beds_occupied)` },
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

const byFrequency = (column: ReturnType<typeof sql>, pick: (f: Frequency) => string) =>
  sql`case ${column} when 'daily' then ${pick('daily')}::date when 'weekly' then ${pick('weekly')}::date else ${pick('monthly')}::date end`

// What the trend tests add to a scan of return_risk_figures (rows `f`): the ranges to read per
// frequency, each row's flags and figures, and per location the aggregates (columns trend_frequency,
// days, recent<i>, total<i>, counted<i>). The whole market's scan is the one the other measures already
// make (risk-measures.ts); a few locations' is trendQuery's, with their peers.
export type TrendScan = ReturnType<typeof trendScan>

export function trendScan(today: string, needs: TrendNeeds) {
  const figures = needs.figures.filter((name) => figureSql[name])
  const bounds = trendBounds(today, needs)
  const v = (i: number) => sql.raw(`v${i}`)
  return {
    needs: { ...needs, figures },
    keys: figures.map((_, i) => ({ recent: `recent${i}`, total: `total${i}`, counted: `counted${i}` })),
    from: Object.fromEntries(frequencies.map((q) => [q, bounds[q].scan])) as Record<Frequency, string>,
    latest: (frequency: ReturnType<typeof sql>) => byFrequency(frequency, (q) => bounds[q].latest),
    rowColumns: sql`f.frequency,
      f.period_start >= ${byFrequency(sql`f.frequency`, (q) => bounds[q].baseline)} as in_baseline,
      f.period_start >= ${byFrequency(sql`f.frequency`, (q) => bounds[q].recent)} as in_recent,
      ${sql.join(figures.map((name, i) => sql`${figureSql[name]!.expression} as ${v(i)}`))}`,
    aggregates: sql`min(frequency) as trend_frequency,
      array_agg(period_start - ${today}::date) filter (where in_recent) as days,
      ${sql.join(
        figures.map(
          (_, i) => sql`array_agg(${v(i)}) filter (where in_recent) as ${sql.raw(`recent${i}`)},
      sum(${v(i)}) filter (where in_baseline) as ${sql.raw(`total${i}`)},
      count(${v(i)}) filter (where in_baseline) as ${sql.raw(`counted${i}`)}`,
        ),
      )}`,
    columns: (table: string) =>
      sql.raw(
        [`${table}.trend_frequency`, `${table}.days`]
          .concat(
            figures.flatMap((_, i) => [`recent${i}`, `total${i}`, `counted${i}`].map((c) => `${table}.${c}`)),
          )
          .join(', '),
      ),
  }
}

// One location's aggregates, as a scan's row gives them (with where the location stands).
export type ScannedTrends = {
  trend_frequency: Frequency
  days: number[] | null
} & Record<string, unknown>

export function trendAggregate(
  row: ScannedTrends,
  scan: TrendScan,
  location: { locationId: string; latestStart: string; councilId: string | null; serviceType: string },
): TrendAggregate {
  const keys = scan.keys
  return {
    locationId: location.locationId,
    latestStart: location.latestStart,
    serviceType: location.serviceType,
    councilKey: location.councilId ?? noCouncil,
    frequency: row.trend_frequency,
    days: row.days ?? [],
    values: keys.map((k) => (row[k.recent] as (number | null)[] | null) ?? []),
    // A sum of integers is a bigint, which arrives as a string.
    totals: keys.map((k) =>
      row[k.total] === null || row[k.total] === undefined ? null : Number(row[k.total]),
    ),
    counted: keys.map((k) => Number(row[k.counted] ?? 0)),
  }
}

export const trendScales = (scan: TrendScan) => scan.needs.figures.map((name) => figureSql[name]!.scale)

// The trend figures of `locationIds` (their peers are read too), by location.
export async function trendsForLocations(
  db: DbOrTransaction,
  today: string,
  needs: TrendNeeds,
  locationIds?: readonly string[],
): Promise<Map<string, LocationTrends>> {
  const scan = trendScan(today, needs)
  if (scan.needs.figures.length === 0 || locationIds?.length === 0) return new Map()
  const { rows } = await trendQuery(today, scan, locationIds).execute(db.withoutPlugins())
  const aggregates = rows.map((row) => trendAggregate(row, scan, row))
  const wanted = locationIds ? new Set(locationIds) : undefined
  return trendHistories(aggregates, today, scan.needs, trendScales(scan), wanted)
}

type TrendRow = ScannedTrends & {
  locationId: string
  latestStart: string
  councilId: string | null
  serviceType: string
}

// The statement for a few locations and their peers (exported for looking at its plan).
export function trendQuery(today: string, scan: TrendScan, locationIds?: readonly string[]) {
  const ids = locationIds ? sql`${sql.val([...locationIds])}::uuid[]` : null
  // The locations read: those asked for, and with percentiles to work out, their peers.
  const scope = !ids
    ? sql``
    : scan.needs.percentiles.length > 0
      ? sql`and exists (select 1 from locations r where r.id = any(${ids})
              and r.council_id is not distinct from l.council_id and r.service_type = l.service_type)`
      : sql`and l.id = any(${ids})`
  return sql<TrendRow>`
    select a.location_id as "locationId", to_char(a.latest_start, 'YYYY-MM-DD') as "latestStart",
           l.council_id as "councilId", l.service_type as "serviceType", ${scan.columns('a')}
    from (
      select location_id, max(period_start) as latest_start, ${scan.aggregates}
      from (
        select f.location_id, f.period_start, ${scan.rowColumns}
        from return_risk_figures f
        where ${scanRanges(today, scan.from)}
          ${ids ? sql`and f.location_id in (select l.id from locations l where true ${scope})` : sql``}
      ) f
      group by location_id
      -- The latest return counts when its period overlaps the last 14 days.
      having max(period_start) >= ${scan.latest(sql`min(frequency)`)}
    ) a
    join locations l on l.id = a.location_id`
}

// One range per frequency, each read from the (frequency, period_start) index: a bound that depends on
// the row's frequency could only filter a scan of every return ever made.
export function scanRanges(today: string, from: Record<Frequency, string>) {
  return sql`f.period_start <= ${today}::date and (${sql.join(
    frequencies.map((q) => sql`(f.frequency = ${q} and f.period_start >= ${from[q]}::date)`),
    sql` or `,
  )})`
}
