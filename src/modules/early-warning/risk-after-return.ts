import { sql } from 'kysely'
import { londonDate } from '../../domain/dates.ts'
import type { ReturnValues } from '../../domain/returns/dataset.ts'
import type { Frequency } from '../../domain/returns/periods.ts'
import {
  measuresFor,
  type ReportingContext,
  type ReturnFigures,
  type RiskFigures,
  riskFigures,
  summariseFigures,
} from './domain/measures.ts'
import { compileRules, type OpenRuleAlert } from './domain/rules.ts'
import { dueCache, latestColumns, latestFields, widestScanFrom } from './risk-measures.ts'
import { changesByRules, openRuleAlertsJson, type RuleAlertChanges } from './risk-recompute.ts'
import { type CouncilRule, locationRulesJson } from './rule-sets.ts'

// One location, as its return is saved: what the rules need is read with the submission's other checks,
// and the alert changes the return brings are worked out before it is written, so that the return, its
// audit record and those changes are written in one statement (alertChangesStatement).

// What the risk rules need to judge one location once a return is added, read with the submission's
// other checks (so the return, its audit record and the alerts it changes can then be written in one
// statement). The columns name the location as `locations.id`.
export function riskInputColumns(now: Date) {
  const today = londonDate(now)
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
): RuleAlertChanges & { openAlertIds: string[] } {
  const today = londonDate(now)
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
  const changes = changesByRules(
    [{ locationId: location.id, councilId: null, measures, latest }],
    () => rules,
    new Map([[location.id, open]]),
    today,
  )
  return { ...changes, openAlertIds: open.map((a) => a.alertId) }
}
