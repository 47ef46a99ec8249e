import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of contact-log’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const contactLogRouteAccess: RouteAccessTable = {
  'GET /locations/:id/contact-log': {
    ids: 'location',
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /locations/:id/contact-log/new': {
    ids: 'location',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /contact-log/follow-ups': { allow: ['admin', 'council_officer', 'partner_officer'], denied: 404 },
  'GET /contact-log/:id': {
    ids: 'contactLog',
    allow: ['admin', 'council_officer', 'finance_officer', 'partner_officer'],
    denied: 404,
  },
  'GET /contact-log/:id/edit': { ids: 'contactLog', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /locations/:id/contact-log/new': {
    ids: 'location',
    allow: ['admin', 'council_officer', 'partner_officer'],
    denied: 404,
  },
  'POST /contact-log/:id/edit': { ids: 'contactLog', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /contact-log/:id/follow-up-done': {
    ids: 'contactLog',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
}
