import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of dashboards’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const dashboardsRouteAccess: RouteAccessTable = {
  'GET /dashboard': { allow: allBut('provider_manager') },
  'GET /dashboard/locations': { query: '?figure=expected&date=2020-04-14', allow: allBut('provider_manager') },
  'GET /dashboard/locations.csv': { query: '?figure=expected&date=2020-04-14', allow: allBut('provider_manager') },
  'GET /dashboard/locations.xlsx': { query: '?figure=expected&date=2020-04-14', allow: allBut('provider_manager') },
  'GET /dashboard/exports': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/directory.csv': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/directory.xlsx': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/returns.csv': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/returns.xlsx': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/alerts.csv': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/alerts.xlsx': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/contacts.csv': { allow: allBut('provider_manager') },
  'GET /dashboard/exports/contacts.xlsx': { allow: allBut('provider_manager') },
  'GET /locations/:id/overview': { ids: 'location', allow: 'signed-in' },
  'GET /providers/:id/overview': { ids: 'provider', allow: 'signed-in' },
}
