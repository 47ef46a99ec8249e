import { pagePath } from '../../web/page-path.ts'

// The action plan's pages: each pattern is its route's, and every link is built from it.
export const actionPlanPaths = {
  actionPlan: pagePath('/action-plan'),
  newPlanArea: pagePath('/action-plan/areas/new'),
  newPlanObjective: pagePath('/action-plan/areas/:id/objectives/new'),
  changePlanArea: pagePath('/action-plan/areas/:id/change'),
  newPlanAction: pagePath('/action-plan/actions/new'),
  planAction: pagePath('/action-plan/actions/:id'),
  changePlanAction: pagePath('/action-plan/actions/:id/change'),
  updatePlanAction: pagePath('/action-plan/actions/:id/update'),
  measures: pagePath('/action-plan/measures'),
  measure: pagePath('/action-plan/measures/:key'),
  progressReport: pagePath('/action-plan/report'),
  progressReportDocx: pagePath('/action-plan/report.docx'),
}
