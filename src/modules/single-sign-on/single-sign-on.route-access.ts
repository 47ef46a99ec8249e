import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of single sign-on's routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const singleSignOnRouteAccess: RouteAccessTable = {
  'GET /sign-in/organisation-account': 'public',
  // The suite's world has no organisation with single sign-on set up: every start is 404.
  'GET /sign-in/organisation-account/:organisationId': { ids: 'unknown', allow: 'everyone' },
  // Without a sign-in under way it answers 400 "sign-in did not work".
  'GET /sign-in/organisation-account/callback': 'public',
  // After signing out: an organisation with no single sign-on (all of the suite's world) is 404.
  'GET /sign-out/organisation-account/:organisationId': { ids: 'unknown', allow: 'everyone' },
  // An organisation's admin for their own organisation; the install administrator for any.
  'GET /admin/single-sign-on/:id': {
    ids: 'councilOrganisation',
    allow: ['admin', 'install_admin'],
    denied: 404,
  },
  'POST /admin/single-sign-on/:id': {
    ids: 'councilOrganisation',
    allow: ['admin', 'install_admin'],
    denied: 404,
  },
}
