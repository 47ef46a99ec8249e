import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'
import type { Frequency, ReturnValues } from '../returns/index.ts'
import {
  type ExemptDays,
  latestDuePeriod,
  type Measures,
  measuresFor,
  type ReportingContext,
  type ReturnSummary,
  riskFigureFields,
  windowStart,
} from './domain/measures.ts'
import type { ReturnRef } from './domain/rules.ts'
import type { TrendNeeds } from './domain/trends.ts'
import { trendHistories } from './domain/trend-histories.ts'
import {
  type ScannedTrends,
  scanRanges,
  type TrendScan,
  trendAggregate,
  trendScales,
  trendScan,
  trendsForLocations,
} from './risk-trends.ts'

// Every location's measures (or a few locations'), set-based: a few SQL statements work out each
// location's return summary and where it stands, and the pure measures are worked out from them. Read
// by the recompute, the rule editor's preview and the statement that saves a return.

export type LocationMeasures = {
  locationId: string
  // The council whose rules judge the location (the council whose area it is in); null: the install's.
  councilId: string | null
  measures: Measures
  latest: ReturnRef | null
}

const hourMs = 3_600_000

// The latest return's figures the measures read: columns of return_risk_figures named as the return's
// fields (CamelCasePlugin turns ppe_days_gloves into ppeDaysGloves), so they read as ReturnValues.
export const latestFields = [...riskFigureFields, 'closedToAdmissions', 'helpRequested'] as const
export const latestColumns = latestFields.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))

// The newest due period per reporting template. Deadlines fall on whole hours in London (whole hours
// after a period's midnight), so whole UTC hours: the answer is the same for every instant in
// (h - 1, h] hours, and is kept by template and that hour.
const dueStarts = new Map<string, string>()
export function dueCache(now: Date) {
  const hour = Math.ceil(now.getTime() / hourMs)
  return (c: ReportingContext) => {
    const key = `${c.frequency}/${c.window.dueAfterHours}/${c.extraHours}/${hour}`
    let start = dueStarts.get(key)
    if (start === undefined) {
      if (dueStarts.size > 500) dueStarts.clear()
      start = latestDuePeriod(c.frequency, c.window, c.extraHours, now).start
      dueStarts.set(key, start)
    }
    return start
  }
}

export type ContextRow = {
  id: string
  councilId: string | null
  serviceType: string
  frequency: Frequency | null
  opensAfterHours: number | null
  dueAfterHours: number | null
  locksAfterHours: number | null
  extraHours: number | null
  exempted: ExemptDays[] | null
  openSince: string | null
}

export type SummaryRow = Record<(typeof latestFields)[number], number | boolean | string | null> & {
  locationId: string
  latestAny: string | null
  latest14: string | null
  returns14: number
  confirmed14: number | null
  suspected14: number | null
  returns7: number
  deaths7: number | null
  latestId: string | null
  latestSubmittedAt: Date | null
}

// The locations a query is narrowed to: a condition on a column, and (for a list of locations) the
// list itself as an SQL array.
export type Only = ((column: string) => ReturnType<typeof sql>) & { ids?: ReturnType<typeof sql> }

// A list of locations as an `Only`.
export function onlyLocations(ids: ReturnType<typeof sql>): Only {
  return Object.assign((column: string) => sql`and ${sql.ref(column)} = any(${ids})`, { ids })
}

export const contextsQuery = (today: string, only: Only) => sql`
    select l.id, l.council_id, l.service_type, t.frequency, t.opens_after_hours, t.due_after_hours, t.locks_after_hours,
           x.extra_hours, x.exempted, s.open_since
    from locations l
    left join return_templates t on t.service_type = l.service_type
    -- Its agreed exceptions (the returns' return_exceptions): the later deadline in force today, and the
    -- days up to today each exemption covered (a period sharing a day with one is not "without a return").
    left join lateral (
      select max(e.extra_hours) filter (where e.kind = 'later-deadline'
                 and (e.last_day is null or ${today}::date <= e.last_day)
                 and (e.ended_from is null or ${today}::date < e.ended_from)) as extra_hours,
             json_agg(json_build_object('from', e.starts_on, 'through',
                 least(coalesce(e.last_day, ${today}::date), coalesce(e.ended_from - 1, ${today}::date), ${today}::date)))
               filter (where e.kind = 'exempt' and (e.ended_from is null or e.ended_from > e.starts_on)) as exempted
      from return_exceptions e
      where e.location_id = l.id and e.starts_on <= ${today}::date) x on true
    left join (select distinct on (e.location_id) e.location_id,
                      case when e.status = 'open' then e.effective_from end as open_since
                 from location_status_events e
                where e.effective_from <= ${today}::date ${only('e.location_id')}
                order by e.location_id, e.effective_from desc, e.id desc) s on s.location_id = l.id
    where true ${only('l.id')}`

// Window starts are pure and few (a day, a length, a frequency) but costly to work out (time zones):
// kept, a few days' worth, for the recompute after every return.
const windowStarts = new Map<string, string>()
function windowStartFor(today: string, days: number, f: Frequency): string {
  const key = `${today}/${days}/${f}`
  let start = windowStarts.get(key)
  if (start === undefined) {
    if (windowStarts.size > 200) windowStarts.clear()
    start = windowStart(today, days, f)
    windowStarts.set(key, start)
  }
  return start
}

// Each location's returns in the 14- and 7-day windows (a return counts when its period overlaps the
// window), and its latest return's figures in the 14 days, from `scanFrom`.
// The whole market's scan reads one range per frequency (`from`), and with `trend` also works out what
// the trend tests need, in the same pass.
export function summariesQuery(
  today: string,
  scanFrom: string,
  only: Only,
  whole?: { from: Record<Frequency, string>; trend: TrendScan | null },
) {
  const trend = whole?.trend
  const bound = (days: number, f: Frequency) => windowStartFor(today, days, f)
  const inWindow = (days: number) => sql`f.period_start >= case f.frequency
      when 'daily' then ${bound(days, 'daily')}::date
      when 'weekly' then ${bound(days, 'weekly')}::date
      else ${bound(days, 'monthly')}::date end`
  return sql`
    with recent as (
      select location_id,
             max(period_start) as latest_any,
             max(period_start) filter (where in14) as latest14,
             count(*) filter (where in14)::int as returns14,
             sum(confirmed_cases) filter (where in14)::int as confirmed14,
             sum(suspected_cases) filter (where in14)::int as suspected14,
             count(*) filter (where in7)::int as returns7,
             sum(deaths) filter (where in7)::int as deaths7
             ${trend ? sql`, ${trend.aggregates}` : sql``}
      from (select f.location_id, f.period_start, f.confirmed_cases, f.suspected_cases, f.deaths,
                   ${inWindow(14)} as in14, ${inWindow(7)} as in7 ${trend ? sql`, ${trend.rowColumns}` : sql``}
            from ${
              only.ids
                ? // Each listed location's rows through the primary key. As a condition on the scan, the
                  // planner preferred the period index (rows of a day lie together on disk) and read
                  // every location's fortnight to keep a few hundred: 244 ms against 63 ms for 437.
                  // (`offset 0` keeps the subquery apart, so it is not flattened into that scan.) The
                  // columns read are those the primary key carries (migration 0049): an index-only scan.
                  sql`(select distinct unnest(${only.ids}) as location_id) q cross join lateral (
                    select f.location_id, f.period_start, f.frequency, f.confirmed_cases, f.suspected_cases, f.deaths
                    from return_risk_figures f
                    where f.location_id = q.location_id and ${recentRange(scanFrom, today)}
                    offset 0) f`
                : sql`return_risk_figures f
                    where ${whole ? scanRanges(today, whole.from) : recentRange(scanFrom, today)} ${only('f.location_id')}`
            }) w
      group by location_id)
    select recent.location_id as "locationId", recent.latest_any as "latestAny", recent.latest14,
           recent.returns14, recent.confirmed14, recent.suspected14, recent.returns7, recent.deaths7,
           l.return_id as "latestId", l.submitted_at as "latestSubmittedAt",
           ${sql.join(latestColumns.map((c, i) => sql`l.${sql.raw(c)} as ${sql.raw(`"${latestFields[i]}"`)}`))}
           ${trend ? sql`, ${trend.columns('recent')}` : sql``}
    from recent
    left join return_risk_figures l on l.location_id = recent.location_id and l.period_start = recent.latest14`
}

const recentRange = (scanFrom: string, today: string) =>
  sql`f.period_start >= ${scanFrom}::date and f.period_start <= ${today}::date`

// From the start of the longest window in use for any frequency (the set-based path narrows it to the
// frequencies present, which it knows only after reading where the locations stand).
export const widestScanFrom = (today: string) =>
  (['daily', 'weekly', 'monthly'] as const).map((f) => windowStartFor(today, 14, f)).sort()[0]!

// Every location's measures (or those of `locationIds`), in three queries whatever the number, and a
// fourth for the trend and outlier figures when `trends` (what the rules in use need) is given.
export async function measuresForLocations(
  db: DbOrTransaction,
  now: Date,
  locationIds?: readonly string[],
  known?: { contexts: ContextRow[]; summaries: SummaryRow[] },
  trends?: TrendNeeds | null,
): Promise<LocationMeasures[]> {
  const today = londonDate(now)
  const only: Only = locationIds ? onlyLocations(sql`${sql.val([...locationIds])}::uuid[]`) : () => sql``
  if (locationIds && locationIds.length === 0) return []

  // Where each location stands: its reporting template, agreed extra hours, and since when it is open.
  const contexts = known
    ? { rows: known.contexts }
    : await sql<ContextRow>`${contextsQuery(today, only)}`.execute(db)

  // The 14- and 7-day windows depend on the period's length: a return counts when its period overlaps
  // the window. The scan starts early enough for the longest period in use. It reads the narrow
  // return_risk_figures (kept by a trigger from each current return), not the returns' JSON.
  const bound = (days: number, f: Frequency) => windowStartFor(today, days, f)
  const frequencies = new Set(contexts.rows.map((c) => c.frequency ?? 'weekly'))
  const scanFrom = [...frequencies].map((f) => bound(14, f)).sort()[0] ?? bound(14, 'weekly')
  // For the whole market the plan is simple but large; compiling it (JIT) costs more than running it.
  if (db.isTransaction && !locationIds) await sql`set local jit = off`.execute(db)
  // Without the camel-case plugin (27,000 wide rows): the columns are named in camelCase here.
  // The whole market's trend figures come from the same scan, which reaches back as far as they need.
  const scan = trends?.figures.length && !locationIds && !known ? trendScan(today, trends) : null
  const whole = locationIds
    ? undefined
    : {
        from: Object.fromEntries(
          (['daily', 'weekly', 'monthly'] as const).map((f) => [
            f,
            [bound(14, f), scan?.from[f] ?? bound(14, f)].sort()[0]!,
          ]),
        ) as Record<Frequency, string>,
        trend: scan,
      }
  const summaries = known
    ? { rows: known.summaries }
    : await sql<SummaryRow>`${summariesQuery(today, scanFrom, only, whole)}`.execute(db.withoutPlugins())
  const byLocation = new Map(summaries.rows.map((s) => [s.locationId, s]))

  // Locations with no return in the scan: their newest return, however old, for "periods without a return".
  const quiet = contexts.rows.filter((c) => !byLocation.has(c.id)).map((c) => c.id)
  const older = new Map<string, string>()
  for (let i = 0; i < quiet.length; i += 5000) {
    const chunk = quiet.slice(i, i + 5000)
    const rows = await sql<{ locationId: string; latest: string }>`
      select l.id as location_id,
             (select f.period_start from return_risk_figures f
               where f.location_id = l.id and f.period_start <= ${today}::date
               order by f.period_start desc limit 1) as latest
      from unnest(${sql.val(chunk)}::uuid[]) as l(id)`.execute(db)
    for (const r of rows.rows) if (r.latest) older.set(r.locationId, r.latest)
  }

  const trendFigures = !trends
    ? null
    : scan
      ? trendsOfScan(summaries.rows, contexts.rows, today, scan)
      : await trendsForLocations(db, today, trends, locationIds)

  const due = dueCache(now)
  return contexts.rows.map((c) => {
    const s = byLocation.get(c.id)
    const summary: ReturnSummary = {
      latest:
        s?.latestId && s.latest14 && s.latestSubmittedAt
          ? {
              id: s.latestId,
              periodStart: s.latest14,
              submittedAt: s.latestSubmittedAt,
              // The row itself: its latest-figure columns are named as the return's fields.
              values: s as unknown as ReturnValues,
            }
          : null,
      confirmedCases14Days: s && s.returns14 > 0 ? (s.confirmed14 ?? 0) : null,
      suspectedCases14Days: s && s.returns14 > 0 ? (s.suspected14 ?? 0) : null,
      deaths7Days: s && s.returns7 > 0 ? (s.deaths7 ?? 0) : null,
      latestPeriodStart: s?.latestAny ?? older.get(c.id) ?? null,
    }
    const context: ReportingContext = {
      serviceType: c.serviceType,
      frequency: c.frequency ?? 'weekly',
      window: {
        opensAfterHours: c.opensAfterHours ?? 0,
        dueAfterHours: c.dueAfterHours ?? 0,
        locksAfterHours: c.locksAfterHours ?? 0,
      },
      extraHours: c.extraHours ?? 0,
      exempted: c.exempted ?? null,
      // A service with no return template is not asked for returns, so is never "without a return".
      openSince: c.frequency ? c.openSince : null,
    }
    const measures = measuresFor(summary, context, now, due(context))
    if (trendFigures) measures.trends = trendFigures.get(c.id) ?? {}
    return {
      locationId: c.id,
      councilId: c.councilId,
      measures,
      latest: summary.latest
        ? {
            id: summary.latest.id,
            periodStart: summary.latest.periodStart,
            submittedAt: summary.latest.submittedAt,
          }
        : null,
    }
  })
}

// The trend figures from the whole market's scan: each location whose latest return is within the 14
// days (as trendQuery's), its peers being the others of the same council and service type.
function trendsOfScan(
  summaries: readonly SummaryRow[],
  contexts: readonly ContextRow[],
  today: string,
  scan: TrendScan & object,
) {
  const where = new Map(contexts.map((c) => [c.id, c]))
  const aggregates = []
  for (const s of summaries) {
    const c = where.get(s.locationId)
    if (!s.latest14 || !c) continue
    const location = {
      locationId: s.locationId,
      latestStart: s.latest14,
      councilId: c.councilId,
      serviceType: c.serviceType,
    }
    aggregates.push(trendAggregate(s as unknown as ScannedTrends, scan, location))
  }
  return trendHistories(aggregates, today, scan.needs, trendScales(scan))
}
