import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of emergency-staffing’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const emergencyStaffingRouteAccess: RouteAccessTable = {
  // The pool, matching, deployments and budgets are the staffing team's, a membership per user that a
  // council's admin gives: no one in the suite's world is a member, so those pages are 404 to every role.
  'GET /staffing/requests': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /staffing/requests/new': { allow: [], denied: 404 },
  'GET /staffing/requests/:id': {
    ids: 'staffingRequest',
    allow: ['admin', 'council_officer', 'provider_manager'],
    denied: 404,
  },
  'GET /staffing/figures': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /staffing/pool': { allow: [], denied: 404 },
  'GET /staffing/pool/new': { allow: [], denied: 404 },
  'GET /staffing/pool/:id': { ids: 'poolPerson', allow: [], denied: 404 },
  'GET /staffing/shifts/:id/matches': { ids: 'staffingShift', allow: [], denied: 404 },
  'GET /staffing/budgets': { allow: [], denied: 404 },
  'GET /staffing/budgets/new': { allow: [], denied: 404 },
  'GET /staffing/team': { allow: ['admin'], denied: 404 },
  'POST /staffing/requests/new': { allow: [], denied: 404 },
  'POST /staffing/requests/:id/close': { ids: 'staffingRequest', allow: [], denied: 404 },
  'POST /staffing/pool/new': { allow: [], denied: 404 },
  'POST /staffing/pool/:id/checks': { ids: 'poolPerson', allow: [], denied: 404 },
  'POST /staffing/pool/:id/availability': { ids: 'poolPerson', allow: [], denied: 404 },
  'POST /staffing/shifts/:id/deploy': { ids: 'staffingShift', allow: [], denied: 404 },
  'POST /staffing/deployments/:id/worked': { ids: 'staffingShift', allow: [], denied: 404 },
  'POST /staffing/deployments/:id/cancel': { ids: 'staffingShift', allow: [], denied: 404 },
  'POST /staffing/budgets/new': { allow: [], denied: 404 },
  'POST /staffing/team': { allow: [], denied: 404 },
}
