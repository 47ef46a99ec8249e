import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of early-warning’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const earlyWarningRouteAccess: RouteAccessTable = {
  'GET /risk-rules': { allow: ['admin', 'council_officer', 'partner_officer', 'install_admin'] },
  'GET /risk-rules/new': { allow: ['admin', 'install_admin'] },
  'GET /risk-rules/new/preview': { allow: ['admin', 'install_admin'] },
  'GET /risk-rules/:id': {
    ids: 'riskRule',
    allow: ['admin', 'council_officer', 'partner_officer', 'install_admin'],
    denied: 404,
  },
  'GET /risk-rules/:id/edit': { ids: 'riskRule', allow: ['admin', 'install_admin'], denied: 404 },
  'GET /risk-rules/:id/preview': { ids: 'riskRule', allow: ['admin', 'install_admin'], denied: 404 },
  'POST /risk-rules/new': { allow: ['admin', 'install_admin'] },
  'POST /risk-rules/:id': { ids: 'riskRule', allow: ['admin', 'install_admin'], denied: 404 },
  'POST /risk-rules/:id/disable': {
    ids: 'riskRule',
    allow: ['admin', 'install_admin'],
    denied: 404,
    acts: true,
  },
  'POST /risk-rules/:id/enable': {
    ids: 'riskRule',
    allow: ['admin', 'install_admin'],
    denied: 404,
    acts: true,
  },
}
