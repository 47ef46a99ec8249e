import { defineCapability } from '../../capability.ts'
import type { PublishingService } from '../publishing/index.ts'
import { actionPlanPaths } from './action-plan.paths.ts'
import { actionPlanRouteAccess } from './action-plan.route-access.ts'
import { actionPlanRoutes } from './action-plan.routes.ts'
import { createActionPlanService } from './action-plan.service.ts'
import { planEditingRoutes } from './plan-editing.routes.ts'
import { mayReadPlan } from './domain/action-plan.rules.ts'
import { progressReport, progressReportKind } from './progress-report.ts'

export { actionPlanAuditActions } from './action-plan.audit-actions.ts'
export { actionPlanPaths } from './action-plan.paths.ts'
export type { ActionPlanService } from './action-plan.service.ts'
export type { PlanActionTable, PlanActionUpdateTable, PlanAreaTable, PlanRag } from './action-plan.tables.ts'
export { loadDemoActionPlan } from './action-plan-demo.ts'
export { type Measure, measureByKey, measures } from './measures.ts'
export { buildProgressReport, progressReportKind } from './progress-report.ts'

// The council's multi-agency action plan: areas, objectives, actions and their updates, the measures
// CareHub computes for them, and the progress report, published through publishing.
export const actionPlan = defineCapability<{ publishing: PublishingService }>()({
  name: 'action-plan',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: actionPlanRouteAccess,
  services: ({ db, clock, publishing }) => {
    publishing.registerKind(progressReport)
    return { actionPlan: createActionPlanService({ db, clock }) }
  },
  routes: async (app, { actionPlan, publishing }) => {
    await app.register(planEditingRoutes, { actionPlan })
    await app.register(actionPlanRoutes, {
      actionPlan,
      publishedReport: (actor) => publishing.latestPublished(actor, progressReportKind),
    })
  },
  paths: actionPlanPaths,
  navigation: (actor) =>
    mayReadPlan(actor) ? [{ href: actionPlanPaths.actionPlan.build(), text: 'Action plan', order: 85 }] : [],
})
