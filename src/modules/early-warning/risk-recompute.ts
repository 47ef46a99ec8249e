import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { evaluate } from '../../domain/early-warning/condition.ts'
import {
  latestDuePeriod,
  type Measures,
  measuresFor,
  type ReportingContext,
  type ReturnFigures,
  type ReturnSummary,
  type RiskFigures,
  riskFigureFields,
  riskFigures,
  summariseFigures,
  windowStart,
} from '../../domain/early-warning/measures.ts'
import {
  type AlertAction,
  type CompiledRule,
  compileRules,
  type OpenRuleAlert,
  type ReturnRef,
  reconcile,
} from '../../domain/early-warning/rules.ts'
import { type Frequency, periodContaining, type ReturnValues } from '../returns/index.ts'
import {
  type BulkRaise,
  type BulkResolve,
  type BulkUpdate,
  raiseAlerts,
  resolveAlerts,
  updateAlerts,
} from './alert-store.ts'
import {
  type CouncilRule,
  compiledByCouncil,
  everyCurrentRule,
  locationRulesJson,
  rulesJson,
} from './rule-sets.ts'

export { currentRules } from './rule-sets.ts'

// Risk rules against every location (or a few), set-based: a few SQL statements work out every
// location's return summary, the rules are evaluated in JavaScript, and only the differences with the
// open rule alerts are written, in bulk. The same code serves one location after its return is saved
// (inside that transaction, so the alert is in the worklist at once) and the whole market.

export type LocationMeasures = {
  locationId: string
  // The council whose rules judge the location (the council whose area it is in); null: the install's.
  councilId: string | null
  measures: Measures
  latest: ReturnRef | null
}

export type RecomputeResult = {
  locations: number
  raised: number
  updated: number
  resolved: number
  // Rules whose stored condition no longer parses (never expected: conditions are validated on save).
  brokenRules: string[]
}

const hourMs = 3_600_000
// London's offset from UTC is whole hours, so its date changes only on the hour: worked out once an hour.
const todays = new Map<number, string>()
function todayIn(now: Date): string {
  const hour = Math.floor(now.getTime() / hourMs)
  let today = todays.get(hour)
  if (today === undefined) {
    if (todays.size > 50) todays.clear()
    today = periodContaining('daily', now).start
    todays.set(hour, today)
  }
  return today
}

// The latest return's figures the measures read: columns of return_risk_figures named as the return's
// fields (CamelCasePlugin turns ppe_days_gloves into ppeDaysGloves), so they read as ReturnValues.
const latestFields = [...riskFigureFields, 'closedToAdmissions', 'helpRequested'] as const
const latestColumns = latestFields.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))

// The newest due period per reporting template. Deadlines fall on whole hours in London (whole hours
// after a period's midnight), so whole UTC hours: the answer is the same for every instant in
// (h - 1, h] hours, and is kept by template and that hour.
const dueStarts = new Map<string, string>()
function dueCache(now: Date) {
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

type ContextRow = {
  id: string
  councilId: string | null
  serviceType: string
  frequency: Frequency | null
  opensAfterHours: number | null
  dueAfterHours: number | null
  locksAfterHours: number | null
  extraHours: number | null
  openSince: string | null
}

type SummaryRow = Record<(typeof latestFields)[number], number | boolean | string | null> & {
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

type Only = (column: string) => ReturnType<typeof sql>

const contextsQuery = (today: string, only: Only) => sql`
    select l.id, l.council_id, l.service_type, t.frequency, t.opens_after_hours, t.due_after_hours, t.locks_after_hours,
           x.extra_hours, s.open_since
    from locations l
    left join return_templates t on t.service_type = l.service_type
    left join return_exceptions x on x.location_id = l.id
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
function summariesQuery(today: string, scanFrom: string, only: Only) {
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
      from (select f.location_id, f.period_start, f.confirmed_cases, f.suspected_cases, f.deaths,
                   ${inWindow(14)} as in14, ${inWindow(7)} as in7
            from return_risk_figures f
            where f.period_start >= ${scanFrom}::date and f.period_start <= ${today}::date
              ${only('f.location_id')}) w
      group by location_id)
    select recent.location_id as "locationId", recent.latest_any as "latestAny", recent.latest14,
           recent.returns14, recent.confirmed14, recent.suspected14, recent.returns7, recent.deaths7,
           l.return_id as "latestId", l.submitted_at as "latestSubmittedAt",
           ${sql.join(latestColumns.map((c, i) => sql`l.${sql.raw(c)} as ${sql.raw(`"${latestFields[i]}"`)}`))}
    from recent
    left join return_risk_figures l on l.location_id = recent.location_id and l.period_start = recent.latest14`
}

// The open rule alerts of the locations whose id matches `locationIs`, as JSON.
const openRuleAlertsJson = (locationIs: ReturnType<typeof sql>) => sql<
  (OpenRuleAlert & { locationId: string })[] | null
>`(
  select json_agg(json_build_object('alertId', a.id, 'locationId', a.location_id, 'alertKey', a.alert_key,
           'severity', a.severity, 'message', a.message, 'ruleVersionId', a.rule_version_id,
           'evidence', a.evidence))
    from alerts a where a.status = 'open' and a.source = 'rule' and a.location_id ${locationIs})`

// From the start of the longest window in use for any frequency (the set-based path narrows it to the
// frequencies present, which it knows only after reading where the locations stand).
const widestScanFrom = (today: string) =>
  (['daily', 'weekly', 'monthly'] as const).map((f) => windowStartFor(today, 14, f)).sort()[0]!

// For a few locations (a return just saved), the current rules, their open rule alerts and where they
// stand, in one statement rather than three: each round trip holds the return's transaction open.
// Every field is a string, number, boolean or JSON, so reads the same through JSON.
async function inputsFor(db: DbOrTransaction, now: Date, locationIds: readonly string[]) {
  const ids = sql`${sql.val([...locationIds])}::uuid[]`
  const only: Only = (column) => sql`and ${sql.ref(column)} = any(${ids})`
  const today = todayIn(now)
  const scanFrom = widestScanFrom(today)
  const { rows } = await sql<{
    rules: CouncilRule[] | null
    open: (OpenRuleAlert & { locationId: string })[] | null
    contexts: ContextRow[] | null
    // latestSubmittedAt: through JSON a timestamp is a string.
    summaries: SummaryRow[] | null
  }>`
    select
      ${rulesJson(sql`(r.council_id is null or r.council_id in (select l.council_id from locations l where l.id = any(${ids})))`)} as rules,
      ${openRuleAlertsJson(sql`= any(${ids})`)} as open,
      (select json_agg(json_build_object('id', c.id, 'councilId', c.council_id, 'serviceType', c.service_type, 'frequency', c.frequency,
                'opensAfterHours', c.opens_after_hours, 'dueAfterHours', c.due_after_hours,
                'locksAfterHours', c.locks_after_hours, 'extraHours', c.extra_hours, 'openSince', c.open_since))
         from (${contextsQuery(today, only)}) c) as contexts,
      (select json_agg(s) from (${summariesQuery(today, scanFrom, only)}) s) as summaries`.execute(
    db.withoutPlugins(),
  )
  const row = rows[0]
  const open = new Map<string, OpenRuleAlert[]>()
  for (const { locationId, ...alert } of row?.open ?? []) {
    const list = open.get(locationId) ?? []
    list.push(alert)
    open.set(locationId, list)
  }
  // Through JSON a timestamp is a string.
  const summaries = (row?.summaries ?? []).map(
    (r) =>
      ({
        ...r,
        latestSubmittedAt: r.latestSubmittedAt ? new Date(r.latestSubmittedAt) : null,
      }) as SummaryRow,
  )
  return { rules: row?.rules ?? [], open, known: { contexts: row?.contexts ?? [], summaries } }
}

// Every location's measures (or those of `locationIds`), in three queries whatever the number.
export async function measuresForLocations(
  db: DbOrTransaction,
  now: Date,
  locationIds?: readonly string[],
  known?: { contexts: ContextRow[]; summaries: SummaryRow[] },
): Promise<LocationMeasures[]> {
  const today = todayIn(now)
  const only = (column: string) =>
    locationIds ? sql`and ${sql.ref(column)} = any(${sql.val([...locationIds])}::uuid[])` : sql``
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
  const summaries = known
    ? { rows: known.summaries }
    : await sql<SummaryRow>`${summariesQuery(today, scanFrom, only)}`.execute(db.withoutPlugins())
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
      // A service with no return template is not asked for returns, so is never "without a return".
      openSince: c.frequency ? c.openSince : null,
    }
    return {
      locationId: c.id,
      councilId: c.councilId,
      measures: measuresFor(summary, context, now, due(context)),
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

async function openRuleAlerts(db: DbOrTransaction, locationIds?: readonly string[]) {
  let query = db
    .selectFrom('alerts')
    .select(['id', 'locationId', 'alertKey', 'severity', 'message', 'ruleVersionId', 'evidence'])
    .where('status', '=', 'open')
    .where('source', '=', 'rule')
  if (locationIds) query = query.where('locationId', 'in', locationIds)
  const rows = await query.execute()
  const byLocation = new Map<string, OpenRuleAlert[]>()
  for (const r of rows) {
    const list = byLocation.get(r.locationId) ?? []
    list.push({
      alertId: r.id,
      alertKey: r.alertKey,
      severity: r.severity,
      message: r.message,
      ruleVersionId: r.ruleVersionId,
      evidence: r.evidence,
    })
    byLocation.set(r.locationId, list)
  }
  return byLocation
}

// Which locations a set of rules flags now, without writing anything (the rule editor's preview).
export function flaggedBy(rule: CompiledRule, measures: readonly LocationMeasures[]) {
  return measures.filter((m) => evaluate(rule.parsed, m.measures))
}

export type AlertChanges = {
  raises: BulkRaise[]
  updates: BulkUpdate[]
  resolves: BulkResolve[]
}

// What the rules say should change, location by location (each by its council's rules), against the
// open rule alerts.
function alertChanges(
  measures: readonly LocationMeasures[],
  rulesFor: (councilId: string | null) => readonly CompiledRule[],
  open: ReadonlyMap<string, readonly OpenRuleAlert[]>,
  today: string,
): AlertChanges {
  const changes: AlertChanges = { raises: [], updates: [], resolves: [] }
  for (const m of measures) {
    const actions: AlertAction[] = reconcile({
      measures: m.measures,
      latest: m.latest,
      rules: rulesFor(m.councilId),
      open: open.get(m.locationId) ?? [],
      today,
    })
    for (const a of actions) {
      if (a.kind === 'resolve')
        changes.resolves.push({ alertId: a.alertId, note: a.note, returnId: a.returnId })
      else if (a.kind === 'update')
        changes.updates.push({
          alertId: a.alertId!,
          severity: a.severity,
          title: a.title,
          message: a.message,
          ruleVersionId: a.ruleVersionId,
          evidence: a.evidence,
          returnId: a.returnId,
        })
      else
        changes.raises.push({
          locationId: m.locationId,
          source: 'rule',
          alertKey: a.ruleKey,
          ruleVersionId: a.ruleVersionId,
          severity: a.severity,
          title: a.title,
          message: a.message,
          evidence: a.evidence,
          returnId: a.returnId,
        })
    }
  }
  return changes
}

// Evaluates the current rules for the given locations (all when omitted), each location by its
// council's rules, and applies the differences.
export async function recomputeRisk(
  db: DbOrTransaction,
  now: Date,
  locationIds?: readonly string[],
): Promise<RecomputeResult> {
  if (locationIds?.length === 0) return { locations: 0, raised: 0, updated: 0, resolved: 0, brokenRules: [] }
  const inputs = locationIds ? await inputsFor(db, now, locationIds) : null
  const { rulesFor, broken } = compiledByCouncil(inputs?.rules ?? (await everyCurrentRule(db)))
  const measures = await measuresForLocations(db, now, locationIds, inputs?.known)
  const open = inputs?.open ?? (await openRuleAlerts(db))
  const { raises, updates, resolves } = alertChanges(measures, rulesFor, open, todayIn(now))
  // Resolutions first: an alert cleared and a new one raised by the same return leave the case open.
  const resolved = await resolveAlerts(db, resolves, now)
  const updated = await updateAlerts(db, updates, now)
  const raised = await raiseAlerts(db, raises, now)
  return { locations: measures.length, raised, updated, resolved, brokenRules: broken }
}

// ---- One location, as its return is saved

// What the risk rules need to judge one location once a return is added, read with the submission's
// other checks (so the return, its audit record and the alerts it changes can then be written in one
// statement). The columns name the location as `locations.id`.
export function riskInputColumns(now: Date) {
  const today = todayIn(now)
  const scanFrom = widestScanFrom(today)
  const figure = (c: string, i: number) => sql`${sql.lit(latestFields[i]!)}::text, f.${sql.raw(c)}`
  return {
    riskRules: locationRulesJson,
    openRuleAlerts: openRuleAlertsJson(sql`= locations.id`),
    openSince: sql<string | null>`(
      select case when e.status = 'open' then e.effective_from end from location_status_events e
       where e.location_id = locations.id and e.effective_from <= ${today}::date
       order by e.effective_from desc, e.id desc limit 1)`,
    recentFigures: sql<FigureRow[] | null>`(
      select json_agg(json_build_object('id', f.return_id, 'periodStart', f.period_start,
               'frequency', f.frequency, 'submittedAt', f.submitted_at, 'confirmedCases', f.confirmed_cases,
               'suspectedCases', f.suspected_cases, 'deaths', f.deaths,
               'latest', json_build_object(${sql.join(latestColumns.map(figure))})))
        from return_risk_figures f
       where f.location_id = locations.id and f.period_start >= ${scanFrom}::date
         and f.period_start <= ${today}::date)`,
    newestBefore: sql<string | null>`(
      select max(f.period_start) from return_risk_figures f
       where f.location_id = locations.id and f.period_start < ${scanFrom}::date)`,
  }
}

// A return_risk_figures row as read through JSON (where a timestamp is a string).
type FigureRow = Omit<ReturnFigures, 'submittedAt' | 'figures'> & { submittedAt: string } & RiskFigures

export type RiskInputs = {
  riskRules: CouncilRule[] | null
  openRuleAlerts: (OpenRuleAlert & { locationId: string })[] | null
  openSince: string | null
  recentFigures: FigureRow[] | null
  newestBefore: string | null
}

// The alert changes a return brings to its location, worked out from what was read before it is saved
// (`inputs`), as recomputeRisk would work them out after. `openAlertIds`: the open rule alerts they were
// judged against; the writer checks they are still the same.
export function changesAfterReturn(
  inputs: RiskInputs,
  location: {
    id: string
    serviceType: string
    frequency: Frequency
    window: ReportingContext['window']
    extraHours: number
  },
  saved: { id: string; periodStart: string; frequency: Frequency; submittedAt: Date; values: ReturnValues },
  now: Date,
): AlertChanges & { openAlertIds: string[] } {
  const today = todayIn(now)
  const returns: ReturnFigures[] = (inputs.recentFigures ?? [])
    .filter((f) => f.periodStart !== saved.periodStart)
    .map(({ submittedAt, confirmedCases, suspectedCases, deaths, latest, ...f }) => ({
      ...f,
      submittedAt: new Date(submittedAt),
      figures: { confirmedCases, suspectedCases, deaths, latest },
    }))
  returns.push({ ...saved, figures: riskFigures(saved.values) })
  const summary = summariseFigures(returns, today, inputs.newestBefore)
  const context: ReportingContext = {
    serviceType: location.serviceType,
    frequency: location.frequency,
    window: location.window,
    extraHours: location.extraHours,
    openSince: inputs.openSince,
  }
  const latest = summary.latest
    ? {
        id: summary.latest.id,
        periodStart: summary.latest.periodStart,
        submittedAt: summary.latest.submittedAt,
      }
    : null
  const measures = measuresFor(summary, context, now, dueCache(now)(context))
  const open = (inputs.openRuleAlerts ?? []).map(({ locationId: _, ...alert }) => alert)
  const rules = compileRules(inputs.riskRules ?? []).compiled
  const changes = alertChanges(
    [{ locationId: location.id, councilId: null, measures, latest }],
    () => rules,
    new Map([[location.id, open]]),
    today,
  )
  return { ...changes, openAlertIds: open.map((a) => a.alertId) }
}
