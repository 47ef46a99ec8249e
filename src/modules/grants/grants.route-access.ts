import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of grants’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const grantsRouteAccess: RouteAccessTable = {
  'GET /grants/allocations/:id': {
    ids: 'grantAllocation',
    allow: ['admin', 'council_officer', 'finance_officer', 'provider_manager'],
    denied: 404,
  },
  'GET /grants': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'GET /grants/rounds/new': { allow: ['finance_officer'], denied: 404 },
  'GET /grants/rounds/:id/change': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'GET /grants/rounds/:id': {
    ids: 'grantRound',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /grants/rounds/:id/commit': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'GET /grants/rounds/:id/360giving.json': {
    ids: 'grantRoundCommitted',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /grants/spend-summary.csv': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'GET /grants/spend-summary.xlsx': { allow: ['admin', 'council_officer', 'finance_officer'], denied: 404 },
  'POST /grants/allocations/:id/decision': {
    ids: 'grantAllocation',
    allow: ['provider_manager'],
    denied: 404,
  },
  // Spending is returned once a grant is accepted, and recovered once a return leaves money unspent:
  // the world's allocations are not yet accepted, so 404 for all (grants.db.test.ts goes that far).
  'POST /grants/allocations/:id/spend': { ids: 'grantAllocation', allow: [], denied: 404 },
  'POST /grants/allocations/:id/recovery': { ids: 'grantAllocation', allow: [], denied: 404 },
  'POST /grants/rounds/new': { allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/change': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/pot': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/preview': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/commit': { ids: 'grantRound', allow: ['finance_officer'], denied: 404 },
  'POST /grants/rounds/:id/tranches/:trancheId/payments': {
    ids: 'grantRoundCommitted',
    allow: ['finance_officer'],
    denied: 404,
  },
}
