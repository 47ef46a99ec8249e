import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of surveys’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const surveysRouteAccess: RouteAccessTable = {
  'GET /surveys': { allow: 'signed-in' },
  'GET /surveys/new': { allow: ['admin', 'council_officer'], denied: 404 },
  // A survey's own pages are for the providers asked; its officers see it as its results.
  'GET /surveys/:id': { ids: 'survey', allow: ['provider_manager'], denied: 404 },
  'GET /surveys/:id/questions/:n': { ids: 'survey', allow: ['provider_manager'], denied: 404 },
  'GET /surveys/:id/check': { ids: 'survey', allow: ['provider_manager'], denied: 404 },
  // Only once the provider has sent its answers (none has in the suite's world: 404 for all).
  'GET /surveys/:id/done': { ids: 'survey', allow: [], denied: 404 },
  'GET /surveys/:id/results': { ids: 'survey', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /surveys/:id/results.csv': { ids: 'survey', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /surveys/:id/results.xlsx': { ids: 'survey', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /surveys/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /surveys/:id/questions/:n': { ids: 'survey', allow: ['provider_manager'], denied: 404 },
  'POST /surveys/:id/check': { ids: 'survey', allow: ['provider_manager'], denied: 404 },
  'POST /surveys/:id/remind': { ids: 'survey', allow: ['admin', 'council_officer'], denied: 404, acts: true },
}
