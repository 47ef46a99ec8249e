import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of training’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const trainingRouteAccess: RouteAccessTable = {
  'GET /training': { allow: allBut('regional_viewer', 'provider_manager', 'install_admin'), denied: 404 },
  'GET /training/offers/new': { allow: ['admin', 'council_officer', 'partner_officer'], denied: 404 },
  'GET /training/offers/:id': {
    ids: 'trainingOffer',
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  'POST /training/offers/new': { allow: ['admin', 'council_officer', 'partner_officer'], denied: 404 },
  'POST /training/offers/:id/uptake': {
    ids: 'trainingOffer',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /training/offers/:id/feedback': {
    ids: 'trainingOffer',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /training/offers/:id/licences': {
    ids: 'trainingOffer',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
}
