import { pagePath, pagePathWith } from '../../web/page-path.ts'

// Emergency staffing's pages: each pattern is its route's, and every link is built from it.
export const staffingPaths = {
  staffingRequests: pagePath('/staffing/requests'),
  // A request is made for a location, carried in the query.
  newStaffingRequest: pagePathWith(
    '/staffing/requests/new',
    (locationId: string) => `/staffing/requests/new?locationId=${encodeURIComponent(locationId)}`,
  ),
  staffingRequest: pagePath('/staffing/requests/:id'),
  closeStaffingRequest: pagePath('/staffing/requests/:id/close'),
  staffingShiftMatches: pagePath('/staffing/shifts/:id/matches'),
  staffingShiftDeploy: pagePath('/staffing/shifts/:id/deploy'),
  staffingDeploymentWorked: pagePath('/staffing/deployments/:id/worked'),
  staffingDeploymentCancel: pagePath('/staffing/deployments/:id/cancel'),
  staffingPool: pagePath('/staffing/pool'),
  newPoolPerson: pagePath('/staffing/pool/new'),
  poolPerson: pagePath('/staffing/pool/:id'),
  poolPersonChecks: pagePath('/staffing/pool/:id/checks'),
  poolPersonAvailability: pagePath('/staffing/pool/:id/availability'),
  staffingBudgets: pagePath('/staffing/budgets'),
  newStaffingBudget: pagePath('/staffing/budgets/new'),
  staffingTeam: pagePath('/staffing/team'),
  staffingFigures: pagePath('/staffing/figures'),
}
