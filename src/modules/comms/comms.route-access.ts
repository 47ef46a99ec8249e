import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of comms’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const commsRouteAccess: RouteAccessTable = {
  'GET /admin/outbox': { allow: ['admin'] },
  'POST /admin/outbox/:id/retry': { ids: 'outbox', allow: ['admin'], denied: 404, acts: true },
  'POST /api/notify/delivery-receipts': { allow: [], denied: 401, anonymous: 401 },
}
