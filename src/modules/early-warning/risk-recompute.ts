import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'
import { type AlertRaise, type AlertResolve, type AlertUpdate, applyAlertChanges } from './alert-changes.ts'
import { evaluate } from './domain/condition.ts'
import { type AlertAction, type CompiledRule, type OpenRuleAlert, reconcile } from './domain/rules.ts'
import {
  type ContextRow,
  contextsQuery,
  type LocationMeasures,
  measuresForLocations,
  onlyLocations,
  type SummaryRow,
  summariesQuery,
  widestScanFrom,
} from './risk-measures.ts'
import { type CouncilRule, compiledByCouncil, everyCurrentRule, rulesJson } from './rule-sets.ts'

export { currentRules } from './rule-sets.ts'

// Risk rules against every location (or a few), set-based: a few SQL statements work out every
// location's return summary, the rules are evaluated in JavaScript, and only the differences with the
// open rule alerts are written, in one statement. The same code serves the locations whose returns the
// risk queue holds, the locations a rule change touches, and the whole market.

export type RecomputeResult = {
  locations: number
  raised: number
  updated: number
  resolved: number
  // Rules whose stored condition no longer parses (never expected: conditions are validated on save).
  brokenRules: string[]
}

// The open rule alerts of the locations whose id matches `locationIs`, as JSON.
export const openRuleAlertsJson = (locationIs: ReturnType<typeof sql>) => sql<
  (OpenRuleAlert & { locationId: string })[] | null
>`(
  select json_agg(json_build_object('alertId', a.id, 'locationId', a.location_id, 'alertKey', a.alert_key,
           'severity', a.severity, 'message', a.message, 'ruleVersionId', a.rule_version_id,
           'evidence', a.evidence))
    from alerts a where a.status = 'open' and a.source = 'rule' and a.location_id ${locationIs})`

// For a few locations (a return just saved), the current rules, their open rule alerts and where they
// stand, in one statement rather than three: each round trip holds the return's transaction open.
// Every field is a string, number, boolean or JSON, so reads the same through JSON.
async function inputsFor(db: DbOrTransaction, now: Date, locationIds: readonly string[]) {
  const ids = sql`${sql.val([...locationIds])}::uuid[]`
  const only = onlyLocations(ids)
  const today = londonDate(now)
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
                'locksAfterHours', c.locks_after_hours, 'extraHours', c.extra_hours, 'exempted', c.exempted,
                'openSince', c.open_since))
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

export type RuleAlertChanges = {
  raises: AlertRaise[]
  updates: AlertUpdate[]
  resolves: AlertResolve[]
}

// What the rules say should change, location by location (each by its council's rules), against the
// open rule alerts.
export function changesByRules(
  measures: readonly LocationMeasures[],
  rulesFor: (councilId: string | null) => readonly CompiledRule[],
  open: ReadonlyMap<string, readonly OpenRuleAlert[]>,
  today: string,
): RuleAlertChanges {
  const changes: RuleAlertChanges = { raises: [], updates: [], resolves: [] }
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
  const { rulesFor, broken, trends } = compiledByCouncil(inputs?.rules ?? (await everyCurrentRule(db)))
  // Rules with trend or outlier tests need one more statement (for a saved return, only when its
  // council has such a rule).
  const measures = await measuresForLocations(db, now, locationIds, inputs?.known, trends)
  const open = inputs?.open ?? (await openRuleAlerts(db))
  const changes = changesByRules(measures, rulesFor, open, londonDate(now))
  const { raised, updated, resolved } = await applyAlertChanges(db, changes, now)
  return { locations: measures.length, raised, updated, resolved, brokenRules: broken }
}
