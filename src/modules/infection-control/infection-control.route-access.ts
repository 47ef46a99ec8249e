import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of infection-control’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const infectionControlRouteAccess: RouteAccessTable = {
  'GET /infection-control/visits': { allow: allBut('provider_manager'), denied: 404 },
  'GET /locations/:id/ipc-visits/new': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /infection-control/visits/:id': { ids: 'ipcVisit', allow: allBut('provider_manager'), denied: 404 },
  'GET /infection-control/visits/:id/record': {
    ids: 'ipcVisit',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /infection-control/checklist': { allow: ['admin'], denied: 404 },
  'GET /infection-control/figures': { allow: allBut('provider_manager'), denied: 404 },
  'POST /locations/:id/ipc-visits/new': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /infection-control/visits/:id/record': {
    ids: 'ipcVisit',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /infection-control/visits/:id/cancel': {
    ids: 'ipcVisit',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /infection-control/actions/:id/done': {
    ids: 'ipcAction',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /infection-control/checklist': { allow: [], denied: 404 },
}
