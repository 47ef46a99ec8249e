import type { RouteAccessTable } from './route-access.ts'

// Who may reach each of the shell’s own routes (health checks, static files and pages): anyone
// (src/web/route-access.ts says how to read an entry; the route-table suite,
// test/integration/route-access.db.test.ts, checks every one).
export const webRouteAccess: RouteAccessTable = {
  'GET /assets/*': { ids: 'asset', allow: 'everyone' },
  'GET /stylesheets/*': { ids: 'stylesheet', allow: 'everyone' },
  'GET /javascripts/*': { ids: 'javascript', allow: 'everyone' },
  'GET /public/*': { ids: 'ownAsset', allow: 'everyone' },
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /accessibility': 'public',
  'GET /cookies': 'public',
  'GET /privacy': 'public',
}
