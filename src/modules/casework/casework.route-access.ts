import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of casework’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const caseworkRouteAccess: RouteAccessTable = {
  'GET /worklist': { allow: allBut('provider_manager') },
  'GET /cases/:id': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'GET /cases/:id/alerts/:alertId/resolve': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'GET /cases/:id/close': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'GET /locations/:id/intelligence': {
    ids: 'location',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /cases/:id/take-ownership': {
    ids: 'case',
    allow: allBut('provider_manager'),
    denied: 404,
    acts: true,
  },
  'POST /cases/:id/pass': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'POST /cases/:id/actions': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'POST /cases/:id/actions/:actionId/done': {
    ids: 'case',
    allow: allBut('provider_manager'),
    denied: 404,
    acts: true,
  },
  'POST /cases/:id/alerts/:alertId/resolve': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'POST /cases/:id/close': { ids: 'case', allow: allBut('provider_manager'), denied: 404 },
  'POST /locations/:id/intelligence': {
    ids: 'location',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
}
