import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { type DayTotals, stateWindowDays } from './domain/figures.ts'
import {
  aggregates,
  type DashboardFilter,
  measuresSql,
  type TotalsRow,
  toTotals,
  type Viewpoint,
} from './measures.repository.ts'

// The dashboard's two daily rollups, built from the same measures as the headline: the whole market's
// (`dashboard_daily`, by council and service type) and each council's view (`dashboard_council_daily`,
// by area, in or out of area, contracted). Built per day on first read, rebuilt per council when a saved
// return marks them stale. Benchmarked (docs/performance.md): change the SQL with the measurements.

// The rollups' key for locations in no council's area.
export const noCouncil = '00000000-0000-0000-0000-000000000000'

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
  'figuresEarlier',
  'figuresNone',
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
      .selectFrom('dashboardNationalDaily')
      .select((eb) => [
        'day',
        'serviceType',
        ...sums.map((k) => eb.fn.sum<string>(k).as(k)),
        eb.fn.sum<string>('casesWeek').as('cases7d'),
        eb.fn.sum<string>('deathsWeek').as('deaths7d'),
        eb.fn.max('figuresOldestDays').as('figuresOldestDays'),
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
      eb.fn.max('figuresOldestDays').as('figuresOldestDays'),
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
// under each other council that contracts with them (out of area). With `councilKeys`, only those
// councils' views (their own locations, and those they contract with elsewhere).
function viewpointLocations(councilKeys?: readonly string[]) {
  const contractedBy = (viewpoint: string) =>
    sql`exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = ${sql.raw(viewpoint)})`
  const columns = sql`l.id, l.service_type, l.council_id, coalesce(l.area, '') as area, t.frequency,
    exists (select 1 from council_contracts c where c.location_id = l.id) as contracted_any`
  const keys = councilKeys && sql`cast(${[...councilKeys]} as uuid[])`
  const own = !keys
    ? sql`true`
    : councilKeys?.includes(noCouncil)
      ? sql`(l.council_id = any(${keys}) or l.council_id is null)`
      : sql`l.council_id = any(${keys})`
  const elsewhere = keys ? sql`cc.council_id = any(${keys})` : sql`true`
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

// Rebuild the rollup rows of one day, for every council or for some councils' views, in one statement:
// each location's measures are worked out once per council that sees it. (At a morning peak every
// council's day is stale at each run of the job: one statement for them all, not one each.)
export async function rebuildRollupDay(db: DbOrTransaction, day: string, councilKeys?: readonly string[]) {
  if (councilKeys?.length === 0) return
  let national = db.deleteFrom('dashboardDaily').where('day', '=', day)
  let councils = db.deleteFrom('dashboardCouncilDaily').where('day', '=', day)
  if (councilKeys) {
    national = national.where('councilKey', 'in', [...councilKeys])
    councils = councils.where('councilId', 'in', [...councilKeys])
  }
  await national.execute()
  await councils.execute()
  await sql`
    with m as (${measuresSql(viewpointLocations(councilKeys), [day])}),
    national as (
      insert into dashboard_daily (day, council_key, service_type, contracted_any, expected, reported, on_time,
        ppe_red, outbreak, closed_to_admissions, staff_absent, staff_employed, beds_available, vacant_beds,
        cases_week, deaths_week, figures_earlier, figures_oldest_days, figures_none)
      select m.day, m.viewpoint, m.service_type, m.contracted_any, ${aggregates}
      from m where m.in_area
      group by 1, 2, 3, 4
    )
    insert into dashboard_council_daily (day, council_id, area, service_type, in_area, contracted, contracted_any,
      expected, reported, on_time, ppe_red, outbreak, closed_to_admissions, staff_absent, staff_employed,
      beds_available, vacant_beds, cases_week, deaths_week, figures_earlier, figures_oldest_days, figures_none)
    select m.day, m.viewpoint, m.area, m.service_type, m.in_area, m.contracted, m.contracted_any, ${aggregates}
    from m
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db)
  await nationalTotalsOf(db, day)
}

// The day's national totals, from its councils' rows as they now stand (those rebuilt and the rest).
const nationalColumns = [...sums, 'casesWeek', 'deathsWeek'].map((k) =>
  k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
)
async function nationalTotalsOf(db: DbOrTransaction, day: string) {
  await db.deleteFrom('dashboardNationalDaily').where('day', '=', day).execute()
  await sql`
    insert into dashboard_national_daily (day, service_type, contracted_any, ${sql.raw(nationalColumns.join(', '))},
      figures_oldest_days)
    select day, service_type, contracted_any, ${sql.raw(nationalColumns.map((c) => `sum(${c})`).join(', '))},
      max(figures_oldest_days)
    from dashboard_daily where day = ${day}
    group by 1, 2, 3`.execute(db)
}

// Before reading the rollup: build the days never built, and rebuild the councils a saved return has
// made stale since. Per day, two transactions under the day's advisory lock (so two readers, or a reader
// and the job on another instance, do not both rebuild it): a short one claims the stale marks, and the
// rebuild runs in its own. A return's save writes only `dashboard_stale`, which the rebuild never holds,
// so it never waits on a rebuild (issue 27: it did, for 1.4–2.2 s nationally); a return saved during a
// rebuild marks its day again and the next run rebuilds it.
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
  const marked = new Set(
    (
      await db
        .selectFrom('dashboardStale')
        .select(sql<string>`cast(day as text)`.as('day'))
        .where('day', 'in', [...days])
        // Claimed by a run that did not finish: still to rebuild.
        .union(
          db
            .selectFrom('dashboardRebuilding')
            .select(sql<string>`cast(day as text)`.as('day'))
            .where('day', 'in', [...days]),
        )
        .execute()
    ).map((r) => r.day),
  )
  for (const day of days) {
    if (built.has(day) && !marked.has(day)) continue
    await claimStaleMarks(db, day)
    await rebuildClaimed(db, day)
  }
}

const lockDay = (db: DbOrTransaction, day: string) =>
  sql`select pg_advisory_xact_lock(hashtext(${`dashboard-rollup:${day}`}))`.execute(db)

// The short transaction: the day's stale marks move to `dashboard_rebuilding`. A return marking the same
// day and council meanwhile waits only for this statement, never for a rebuild.
export async function claimStaleMarks(db: Db, day: string) {
  await db.transaction().execute(async (trx) => {
    await lockDay(trx, day)
    await sql`
      with claimed as (delete from dashboard_stale where day = ${day} returning day, council_key)
      insert into dashboard_rebuilding (day, council_key) select day, council_key from claimed
      on conflict do nothing`.execute(trx)
  })
}

// The rebuild of what was claimed (the whole day when it was never built), and the claims deleted in the
// same transaction: a failed or interrupted rebuild leaves them for the next run. Every claim was made
// under the day's lock before this transaction took it, so the returns behind it are in what it reads.
export async function rebuildClaimed(db: Db, day: string) {
  await db.transaction().execute(async (trx) => {
    await lockDay(trx, day)
    const isBuilt = await trx
      .selectFrom('dashboardDaysBuilt')
      .select('day')
      .where('day', '=', day)
      .executeTakeFirst()
    const claimed = await trx
      .deleteFrom('dashboardRebuilding')
      .where('day', '=', day)
      .returning('councilKey')
      .execute()
    if (!isBuilt) {
      await rebuildRollupDay(trx, day)
      await trx.insertInto('dashboardDaysBuilt').values({ day, builtAt: new Date() }).execute()
      return
    }
    await rebuildRollupDay(
      trx,
      day,
      claimed.map((c) => c.councilKey),
    )
  })
}

// Written with every saved return, by the statement that saves it (the dashboards' ReturnSaveHook,
// return-save-hook.ts): the days whose figures it can change are stale for its councils: its period and
// the 14 days after it ends (the outbreak and 7-day windows), and every day whose state figures it can
// be the latest return for (its period start plus the frequency's window).
export function dashboardStaleSpan(frequency: string): number {
  const flows = frequency === 'monthly' ? 45 : frequency === 'weekly' ? 20 : 14
  const window =
    stateWindowDays[frequency as keyof typeof stateWindowDays] ?? Math.max(...Object.values(stateWindowDays))
  return Math.max(flows, window)
}

export function dashboardStaleInsert(locationId: string, periodStart: string, frequency: string) {
  const span = dashboardStaleSpan(frequency)
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
