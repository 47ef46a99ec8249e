import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of home’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const homeRouteAccess: RouteAccessTable = {
  'GET /': { allow: 'signed-in' },
}
