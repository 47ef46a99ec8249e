import { defineCapability } from '../../capability.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Job } from '../../jobs/scheduler.ts'
import { mayManageRiskRules } from './domain/rules.ts'
import { earlyWarningPaths } from './early-warning.paths.ts'
import { earlyWarningRouteAccess } from './early-warning.route-access.ts'
import { riskOnReturnSave } from './return-save-hook.ts'
import { recomputeQueuedRisk, riskQueueFigures } from './risk-queue.ts'
import { riskRulesRoutes } from './risk-rules.routes.ts'
import { createRiskRulesService, recomputeAll } from './risk-rules.service.ts'

// Alerts, the one way they are written: a set of changes in one statement (standalone, or as common
// table expressions of a caller's statement), and one alert at a time for trackers, officers and seeds.
export {
  type AlertChanges,
  type AlertRaise,
  type AlertResolve,
  type AlertUpdate,
  alertChangesStatement,
  applyAlertChanges,
} from './alert-changes.ts'
export { type RaiseAlert, type RaiseOutcome, raiseAlert, refreshRag, resolveAlert } from './alert-store.ts'
// Alerts raised in a window for a council's officers' digests.
export { alertsRaisedForCouncil, type RaisedAlert } from './alerts-raised.ts'
// Trend and outlier rules to switch on (the benchmark), and what the SQL must work out for them.
export { exampleTrendRules, trendNeedsOf } from './domain/rule-kinds.ts'
// Early warning's public face. Other capabilities and the seeds use only what is exported here.
export { earlyWarningPaths } from './early-warning.paths.ts'
export type {
  AlertEventTable,
  AlertSource,
  AlertTable,
  LocationRiskTable,
  Rag,
  ReturnRiskFiguresTable,
  RiskRuleVersionTable,
  SettingTable,
  Severity,
} from './early-warning.tables.ts'
// The risk rules run for locations (the returns' save path reaches them through the hook early warning
// contributes, return-save-hook.ts), and for the whole market (seeds, benchmarks).
export { type LocationMeasures, measuresForLocations } from './risk-measures.ts'
export { type RecomputeResult, recomputeRisk } from './risk-recompute.ts'
// For bulk loads of returns (the demo county): the risk figures filled in one statement after the load
// (setBasedFill: that statement, built from the trigger's SQL; null when the trigger is not as expected).
export { setBasedFill, withRiskFiguresFilledAfter } from './risk-figures-bulk.ts'
export type { RiskRulesService } from './risk-rules.service.ts'
export { recomputeAll } from './risk-rules.service.ts'

// The locations whose returns came in through the API, their risk rules run in one batch a second.
export function riskQueueJob({ clock }: { clock: Clock }): Job {
  return {
    name: 'risk-queue',
    lockKey: 7_011,
    intervalSeconds: 1,
    run: (db) => recomputeQueuedRisk(db, clock),
  }
}

// Early warning: each council's declarative risk rules give every location a RAG with reasons.
export const earlyWarning = defineCapability()({
  name: 'early-warning',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: earlyWarningRouteAccess,
  services: ({ db, clock }) => ({ riskRules: createRiskRulesService({ db, clock }) }),
  routes: async (app, { riskRules }) => {
    await app.register(riskRulesRoutes, { riskRules })
  },
  jobs: ({ clock }) => [
    {
      // Time-based risk rules (no return for 2 periods) and windows that move on (cases in 14 days):
      // every location's rules again, writing only what changed. Returns trigger their own recompute.
      name: 'risk-recompute',
      lockKey: 7_005,
      intervalSeconds: 900,
      run: (db) => recomputeAll(db, clock),
    },
    riskQueueJob({ clock }),
  ],
  readiness: riskQueueFigures,
  paths: earlyWarningPaths,
  contributes: { returnSaved: riskOnReturnSave },
  navigation: (actor) =>
    mayManageRiskRules(actor)
      ? [{ href: earlyWarningPaths.riskRules.list.build(), text: 'Risk rules', order: 120 }]
      : [],
})
