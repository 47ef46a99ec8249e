import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of publishing’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const publishingRouteAccess: RouteAccessTable = {
  'GET /publications': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /publications/:id/versions/:version': { ids: 'unknown', allow: [], denied: 404 },
  'GET /publications/:id/versions/:version/sign-off': { ids: 'unknown', allow: [], denied: 404 },
  'GET /publications/:id/correct': { ids: 'unknown', allow: [], denied: 404 },
  'GET /publications/your-figures': { allow: ['provider_manager'], denied: 404 },
  'GET /published/:id': { ids: 'unknown', allow: 'everyone' },
  'GET /published/:id/versions/:version': { ids: 'unknown', allow: 'everyone' },
  'GET /published/:id/versions/:version/report.docx': { ids: 'unknown', allow: 'everyone' },
  'GET /published/:id/versions/:version/report.csv': { ids: 'unknown', allow: 'everyone' },
  'GET /published/:id/versions/:version/data': { ids: 'unknown', allow: 'everyone' },
  'POST /publications/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /publications/:id/versions/:version/check': { ids: 'unknown', allow: [], denied: 404 },
  'POST /publications/:id/versions/:version/challenges/:challengeId': {
    ids: 'unknown',
    allow: [],
    denied: 404,
  },
  'POST /publications/:id/versions/:version/sign-off': { ids: 'unknown', allow: [], denied: 404 },
  'POST /publications/:id/correct': { ids: 'unknown', allow: [], denied: 404 },
  'POST /publications/:id/versions/:version/challenges': { ids: 'unknown', allow: [], denied: 404 },
}
