import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of access’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const accessRouteAccess: RouteAccessTable = {
  'GET /sign-in': 'public',
  'GET /forgot-password': 'public',
  'GET /accept-invitation/:token': { ids: 'unknown', allow: 'everyone' },
  'GET /reset-password/:token': { ids: 'unknown', allow: 'everyone' },
  // Two-step sign-in: one signed in is sent on from the code page; the set-up page and their own page
  // are anyone's (a session part-way through signing in reaches only the code or set-up pages).
  'GET /two-step-sign-in/code': { allow: 'signed-in' },
  'GET /two-step-sign-in/set-up': { allow: 'signed-in' },
  'GET /two-step-sign-in': { allow: 'signed-in' },
  'GET /two-step-sign-in/new-recovery-codes': { allow: 'signed-in' },
  'GET /admin/users': { allow: ['admin'] },
  'GET /admin/users/invite': { allow: ['admin'] },
  'GET /admin/users/invitation-sent': { allow: ['admin'] },
  'GET /admin/users/:id': { ids: 'providerUser', allow: ['admin'], denied: 404 },
  'GET /admin/users/:id/edit': { ids: 'providerUser', allow: ['admin'], denied: 404 },
  'GET /admin/organisations': { allow: ['admin'] },
  'GET /admin/organisations/new': { allow: ['admin'] },
  'GET /admin/organisations/:id': { ids: 'providerOrganisation', allow: ['admin'], denied: 404 },
  'GET /admin/organisations/:id/edit': { ids: 'providerOrganisation', allow: ['admin'], denied: 404 },
  'POST /sign-in': 'public',
  'POST /sign-out': { allow: 'everyone', every: 'sign-in' },
  'POST /forgot-password': 'public',
  'POST /accept-invitation/:token': { ids: 'unknown', allow: 'everyone' },
  'POST /reset-password/:token': { ids: 'unknown', allow: 'everyone' },
  'POST /two-step-sign-in/code': { allow: 'signed-in' },
  'POST /two-step-sign-in/set-up': { allow: 'signed-in' },
  'POST /two-step-sign-in/turn-off': { allow: 'signed-in' },
  'POST /two-step-sign-in/new-recovery-codes': { allow: 'signed-in' },
  'POST /admin/users/invite': { allow: ['admin'] },
  'POST /admin/users/:id/edit': { ids: 'providerUser', allow: ['admin'], denied: 404 },
  'POST /admin/users/:id/disable': { ids: 'providerUser', allow: ['admin'], denied: 404, acts: true },
  'POST /admin/users/:id/enable': { ids: 'providerUser', allow: ['admin'], denied: 404, acts: true },
  'POST /admin/users/:id/unlock': { ids: 'providerUser', allow: ['admin'], denied: 404, acts: true },
  'POST /admin/users/:id/reset-two-step': { ids: 'providerUser', allow: ['admin'], denied: 404, acts: true },
  // The world's users are active: no invitation to resend, 404 for all (invitations.db.test.ts resends one).
  'POST /admin/users/:id/resend-invitation': { ids: 'providerUser', allow: [], denied: 404 },
  'POST /admin/organisations/new': { allow: ['admin'] },
  'POST /admin/organisations/:id/edit': { ids: 'providerOrganisation', allow: ['admin'], denied: 404 },
}
