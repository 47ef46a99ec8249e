import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of grants’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const grantsRouteAccess: RouteAccessTable = {
  'GET /grants/allocations/:id': { ids: 'unknown', allow: [], denied: 404 },
  'GET /grants': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'GET /grants/rounds/new': { allow: ['finance_officer'], denied: 404 },
  'GET /grants/rounds/:id/change': { ids: 'unknown', allow: [], denied: 404 },
  'GET /grants/rounds/:id': { ids: 'unknown', allow: [], denied: 404 },
  'GET /grants/rounds/:id/commit': { ids: 'unknown', allow: [], denied: 404 },
  'GET /grants/rounds/:id/360giving.json': { ids: 'unknown', allow: [], denied: 404 },
  'GET /grants/spend-summary.csv': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'GET /grants/spend-summary.xlsx': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'POST /grants/allocations/:id/decision': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/allocations/:id/spend': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/allocations/:id/recovery': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/rounds/new': { allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/change': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/rounds/:id/pot': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/rounds/:id/preview': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/rounds/:id/commit': { ids: 'unknown', allow: [], denied: 404 },
  'POST /grants/rounds/:id/tranches/:trancheId/payments': { ids: 'unknown', allow: [], denied: 404 },
}
