import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of payments’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const paymentsRouteAccess: RouteAccessTable = {
  'GET /payments': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/packages': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/packages/new': { allow: ['finance_officer'] },
  'GET /payments/schemes': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/schemes/new': { allow: ['finance_officer'] },
  'GET /payments/imports/new': { allow: ['finance_officer'] },
  'GET /payments/imports/:id': { ids: 'paymentImport', allow: ['finance_officer'], denied: 404 },
  'GET /payments/runs/new': { allow: ['finance_officer'] },
  'GET /payments/runs/:id': {
    ids: 'paymentRun',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /payments/runs/:id/approve': { ids: 'paymentRun', allow: ['finance_officer'], denied: 404 },
  'GET /payments/lines/:id': {
    ids: 'paymentLine',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /payments/runs/:id/export.csv': {
    ids: 'paymentRun',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /payments/runs/:id/export.xlsx': {
    ids: 'paymentRun',
    allow: ['admin', 'council_officer', 'finance_officer'],
    denied: 404,
  },
  'GET /payments/provider-support': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/provider-support.docx': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/provider-support.csv': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/provider-support/payments': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'GET /payments/provider-support/wording': { allow: ['finance_officer'] },
  'GET /payments/transparency.csv': { allow: ['admin', 'council_officer', 'finance_officer'] },
  'POST /payments/packages/new': { allow: ['finance_officer'] },
  'POST /payments/schemes/new': { allow: ['finance_officer'] },
  'POST /payments/imports/new': { allow: ['finance_officer'] },
  'POST /payments/imports/:id/confirm': {
    ids: 'paymentImport',
    allow: ['finance_officer'],
    denied: 404,
    acts: true,
  },
  'POST /payments/runs/new': { allow: ['finance_officer'] },
  'POST /payments/runs/:id/approve': {
    ids: 'paymentRun',
    allow: ['finance_officer'],
    denied: 404,
    acts: true,
  },
  'POST /payments/runs/:id/paid': { ids: 'paymentRun', allow: ['finance_officer'], denied: 404 },
  'POST /payments/lines/:id/hold': { ids: 'paymentLine', allow: ['finance_officer'], denied: 404 },
  'POST /payments/lines/:id/correct': { ids: 'paymentLine', allow: ['finance_officer'], denied: 404 },
  'POST /payments/provider-support/wording': { allow: ['finance_officer'] },
}
