import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of action-plan’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const actionPlanRouteAccess: RouteAccessTable = {
  'GET /action-plan/areas/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /action-plan/areas/:id/objectives/new': {
    ids: 'planArea',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /action-plan/areas/:id/change': { ids: 'planArea', allow: ['admin', 'council_officer'], denied: 404 },
  // Correcting an action takes what adding it does: a partner's officers only their organisation's.
  'GET /action-plan/actions/:id/change': {
    ids: 'planAction',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /action-plan/actions/new': { allow: ['admin', 'council_officer', 'partner_officer'], denied: 404 },
  'GET /action-plan/report': {
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  'GET /action-plan/report.docx': {
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  'GET /action-plan': { allow: allBut('regional_viewer', 'provider_manager', 'install_admin'), denied: 404 },
  'GET /action-plan/actions/:id': {
    ids: 'planAction',
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  // A partner's officers update only the actions their organisation leads: these are the council's.
  'GET /action-plan/actions/:id/update': {
    ids: 'planAction',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /action-plan/measures': {
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  'GET /action-plan/measures/:key': {
    ids: 'measure',
    allow: allBut('regional_viewer', 'provider_manager', 'install_admin'),
    denied: 404,
  },
  'POST /action-plan/areas/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /action-plan/areas/:id/objectives/new': {
    ids: 'planArea',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /action-plan/areas/:id/change': { ids: 'planArea', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /action-plan/actions/:id/change': {
    ids: 'planAction',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /action-plan/actions/new': { allow: ['admin', 'council_officer', 'partner_officer'], denied: 404 },
  'POST /action-plan/actions/:id/update': {
    ids: 'planAction',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
}
