import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of resource-pack’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const resourcePackRouteAccess: RouteAccessTable = {
  'GET /resources': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /resources/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /resources/:id': {
    ids: 'resource',
    allow: ['admin', 'council_officer', 'provider_manager'],
    denied: 404,
  },
  'GET /events': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /events/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /events/:id': { ids: 'event', allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'POST /resources/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /resources/:id/versions': { ids: 'resource', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /events/new': { allow: ['admin', 'council_officer'], denied: 404 },
  // Whoever reads the council's events may sign up to one (its officers join the calls too).
  'POST /events/:id/sign-up': {
    ids: 'event',
    allow: ['admin', 'council_officer', 'provider_manager'],
    denied: 404,
    acts: true,
  },
  'POST /events/:id/attendance': { ids: 'event', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /events/:id/questions': { ids: 'event', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /events/:id/questions/:questionId/faq': {
    ids: 'event',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
}
