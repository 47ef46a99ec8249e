import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of welfare-checks’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const welfareChecksRouteAccess: RouteAccessTable = {
  // Welfare checks need a per-user grant from the council's admin: no one in the suite's world has one,
  // so every page but the admin's grant page is 404 to every role.
  'GET /welfare': { allow: [], denied: 404 },
  'GET /welfare/cancellations/:id': { ids: 'welfareCancellation', allow: [], denied: 404 },
  'GET /welfare/checks/:id': { ids: 'welfareCheck', allow: [], denied: 404 },
  'GET /welfare/cancellations/new': { allow: [], denied: 404 },
  'GET /welfare/access': { allow: ['admin'], denied: 404 },
  'POST /welfare/cancellations/:id/people': { ids: 'welfareCancellation', allow: [], denied: 404 },
  'POST /welfare/cancellations/:id/assign': { ids: 'welfareCancellation', allow: [], denied: 404 },
  'POST /welfare/checks/:id/outcome': { ids: 'welfareCheck', allow: [], denied: 404 },
  'POST /welfare/cancellations/new': { allow: [], denied: 404 },
  'POST /welfare/access': { allow: [], denied: 404 },
}
