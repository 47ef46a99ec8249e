import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of ppe-supply’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const ppeSupplyRouteAccess: RouteAccessTable = {
  'GET /ppe/stores/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /ppe/items': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/items/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /ppe/stores': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/stores/:id': {
    ids: 'ppeStore',
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/stores/:id/moves/new': { ids: 'ppeStore', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /ppe/charging': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/chargeable': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/chargeable.csv': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/chargeable.xlsx': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/figures': {
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /ppe/requests': { allow: allBut('viewer', 'regional_viewer', 'install_admin'), denied: 404 },
  'GET /ppe/requests/new': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /ppe/requests/:id': {
    ids: 'ppeRequest',
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer', 'provider_manager'],
    denied: 404,
  },
  'POST /ppe/stores/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/items/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/items/:id/prices': { ids: 'ppeItem', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/stores/:id/moves/new': { ids: 'ppeStore', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/stores/:id/thresholds': { ids: 'ppeStore', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/charging': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/requests/new': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'POST /ppe/requests/:id/decision': { ids: 'ppeRequest', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/requests/:id/pick': { ids: 'ppeRequest', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/requests/:id/dispatch': { ids: 'ppeRequest', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /ppe/requests/:id/delivery': { ids: 'ppeRequest', allow: ['admin', 'council_officer'], denied: 404 },
}
