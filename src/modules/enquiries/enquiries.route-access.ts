import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of enquiries’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const enquiriesRouteAccess: RouteAccessTable = {
  'GET /enquiries': { allow: allBut('partner_officer'), denied: 404 },
  'GET /enquiries/new': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /enquiries/trends': { allow: allBut('partner_officer', 'provider_manager'), denied: 404 },
  'GET /enquiries/trends.csv': { allow: allBut('partner_officer', 'provider_manager'), denied: 404 },
  'GET /enquiries/settings': { allow: ['admin', 'install_admin'], denied: 404 },
  'GET /enquiries/:id': { ids: 'enquiry', allow: allBut('partner_officer'), denied: 404 },
  'GET /enquiries/:id/faq': { ids: 'enquiry', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /faq': { allow: 'signed-in' },
  'GET /faq/:id': { ids: 'faq', allow: 'signed-in' },
  'GET /faq/:id/edit': { ids: 'faq', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /enquiries/new': { allow: ['provider_manager'], denied: 404 },
  'POST /enquiries/settings': { allow: ['admin', 'install_admin'], denied: 404 },
  'POST /enquiries/:id/respond': { ids: 'enquiry', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /enquiries/:id/status': { ids: 'enquiry', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /enquiries/:id/faq': { ids: 'enquiry', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /faq/:id/edit': { ids: 'faq', allow: ['admin', 'council_officer'], denied: 404 },
}
