import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of provider-resilience’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const providerResilienceRouteAccess: RouteAccessTable = {
  'GET /providers-at-risk': { allow: allBut('provider_manager', 'install_admin'), denied: 404 },
  'GET /locations/:id/resilience': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /protection-plans/new': { allow: [], denied: 404 },
  'GET /protection-plans/:id': { ids: 'protectionPlan', allow: allBut('provider_manager'), denied: 404 },
  'GET /protection-plans/:id/close': {
    ids: 'protectionPlan',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /locations/:id/resilience': {
    ids: 'location',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /protection-plans/new': { allow: [], denied: 404 },
  'POST /protection-plans/:id/review': {
    ids: 'protectionPlan',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /protection-plans/:id/close': {
    ids: 'protectionPlan',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
}
