import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of api’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const apiRouteAccess: RouteAccessTable = {
  'GET /api-tokens': { allow: ['admin', 'council_officer', 'partner_officer', 'provider_manager'] },
  // The machine API takes bearer tokens, never a session: every role's session gets 401 (which records a
  // token reads: api.db.test.ts and api-market.db.test.ts).
  'GET /api/v1/market/locations': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/market/locations/:id': { ids: 'location', allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/market/returns': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/market/alerts': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/market/cases': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/market/completeness': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/returns': { allow: [], denied: 401, anonymous: 401 },
  'GET /api/v1/returns/:id': { ids: 'return', allow: [], denied: 401, anonymous: 401 },
  'GET /api/docs/openapi.json': 'public',
  'GET /api/docs': 'public',
  'POST /api-tokens': { allow: ['admin', 'council_officer', 'partner_officer', 'provider_manager'] },
  // A provider's token is revoked by its provider: the officers who make tokens of their own are not
  // shown it (404), the other roles have no token pages (403).
  'POST /api-tokens/:id/revoke': {
    ids: 'apiToken',
    allow: ['provider_manager'],
    acts: true,
    exceptions: { admin: '444', council_officer: '444', partner_officer: '444' },
  },
  'POST /api/v1/returns': { allow: [], denied: 401, anonymous: 401 },
}
