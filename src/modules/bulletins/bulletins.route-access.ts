import { allBut, type RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of bulletins’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const bulletinsRouteAccess: RouteAccessTable = {
  'GET /bulletins/read/:token': { ids: 'bulletinReadLink', allow: 'everyone', every: 'allowed' },
  'GET /bulletins': { allow: 'signed-in' },
  'GET /bulletins/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /bulletins/:id/check': { ids: 'bulletin', allow: ['admin', 'council_officer'], denied: 404 },
  'GET /bulletins/:id/attachments/:attachmentId': {
    ids: 'bulletin',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /bulletins/:id': {
    ids: 'bulletinSent',
    allow: ['admin', 'council_officer', 'provider_manager'],
    denied: 404,
  },
  'GET /letters': { allow: ['admin', 'council_officer', 'provider_manager'], denied: 404 },
  'GET /letters/:providerId/letter.docx': { ids: 'provider', allow: [], denied: 404 },
  'GET /letters/:providerId/letter.pdf': { ids: 'provider', allow: [], denied: 404 },
  'GET /digests': { allow: allBut('provider_manager'), denied: 404 },
  'POST /bulletins/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /bulletins/:id/send': { ids: 'bulletin', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /bulletins/:id/attachments': { ids: 'bulletin', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /bulletins/:id/attachments/:attachmentId/remove': {
    ids: 'bulletin',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /bulletins/:id/list': { ids: 'bulletin', allow: ['admin', 'council_officer'], denied: 404 },
  'POST /bulletins/:id/resend': {
    ids: 'bulletinSent',
    allow: ['admin', 'council_officer'],
    denied: 404,
    acts: true,
  },
  'POST /letters': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /digests': { allow: allBut('provider_manager'), denied: 404 },
}
