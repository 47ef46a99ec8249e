import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of returns’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const returnsRouteAccess: RouteAccessTable = {
  'GET /returns/completeness': { allow: allBut('provider_manager', 'install_admin') },
  'GET /locations/:id/returns/new': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'GET /locations/:id/returns/nothing-changed': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'GET /locations/:id/returns': { ids: 'location', allow: 'signed-in' },
  'GET /returns/:id': { ids: 'return', allow: 'signed-in' },
  'GET /returns/:id/amend': {
    ids: 'return',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'GET /locations/:id/returns/nothing-to-report': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'GET /locations/:id/return-exceptions': { ids: 'location', allow: 'signed-in' },
  'GET /locations/:id/return-exceptions/new': {
    ids: 'location',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /return-exceptions/:id/end': {
    ids: 'returnException',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /returns/upload': { allow: allBut('viewer', 'regional_viewer', 'install_admin') },
  'GET /returns/upload/template.csv': { allow: allBut('viewer', 'regional_viewer', 'install_admin') },
  'GET /returns/upload/template.xlsx': { allow: allBut('viewer', 'regional_viewer', 'install_admin') },
  'GET /returns/all-locations': { allow: ['provider_manager'] },
  'GET /returns/capacity-tracker': { allow: ['admin', 'council_officer'] },
  'GET /returns/capacity-tracker/upload': { allow: ['admin', 'council_officer'] },
  'GET /returns/capacity-tracker/:id': {
    ids: 'trackerImport',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /returns/completeness/chase': { allow: [], denied: 404 },
  'POST /locations/:id/returns/check': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'POST /locations/:id/returns/nothing-changed': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
    acts: true,
  },
  'POST /locations/:id/returns/nothing-to-report': {
    ids: 'location',
    allow: allBut('viewer', 'regional_viewer', 'install_admin'),
    denied: 404,
  },
  'POST /locations/:id/return-exceptions/new': {
    ids: 'location',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /return-exceptions/:id/end': {
    ids: 'returnException',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /returns/upload': { allow: allBut('viewer', 'regional_viewer', 'install_admin') },
  'POST /returns/all-locations': { allow: ['provider_manager'] },
  'POST /returns/capacity-tracker/upload': { allow: ['admin', 'council_officer'] },
  'POST /returns/capacity-tracker/:id/confirm': {
    ids: 'trackerImport',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
}
