import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of surveys’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const surveysRouteAccess: RouteAccessTable = {
  'GET /surveys': { allow: 'signed-in' },
  'GET /surveys/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /surveys/:id': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/questions/:n': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/check': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/done': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/results': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/results.csv': { ids: 'unknown', allow: [], denied: 404 },
  'GET /surveys/:id/results.xlsx': { ids: 'unknown', allow: [], denied: 404 },
  'POST /surveys/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /surveys/:id/questions/:n': { ids: 'unknown', allow: [], denied: 404 },
  'POST /surveys/:id/check': { ids: 'unknown', allow: [], denied: 404 },
  'POST /surveys/:id/remind': { ids: 'unknown', allow: [], denied: 404 },
}
