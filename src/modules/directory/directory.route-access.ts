import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of directory’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const directoryRouteAccess: RouteAccessTable = {
  'GET /locations': { allow: 'signed-in' },
  'GET /locations/export.csv': { allow: 'signed-in' },
  'GET /locations/export.xlsx': { allow: 'signed-in' },
  'GET /locations/:id': { ids: 'location', allow: 'signed-in' },
  'GET /providers/:id': { ids: 'provider', allow: 'signed-in' },
  'GET /locations/new': { allow: ['admin', 'council_officer'] },
  'GET /locations/:id/edit': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /imports': { allow: ['admin', 'council_officer'] },
  'GET /imports/new': { allow: ['admin', 'council_officer'] },
  'GET /imports/:id': { ids: 'cqcImport', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /imports/:id/problems.csv': { ids: 'cqcImport', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /providers/:id/invite': { ids: 'provider', allow: ['admin'], denied: 404 },
  'POST /locations/new': { allow: ['admin', 'council_officer'] },
  'POST /locations/:id/edit': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /locations/:id/contacts': { ids: 'location', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /locations/:id/contacts/:contactId/remove': {
    ids: 'location',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /imports/new': { allow: ['admin', 'council_officer'] },
  'POST /imports/:id/confirm': {
    ids: 'cqcImport',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /imports/:id/run-again': { ids: 'cqcImport', allow: [], denied: 404 },
}
