import type { RouteAccessTable } from '../../web/route-access.ts'

// Who may reach each of publishing’s routes, as every role, at their own record, another
// provider’s and another council’s (src/web/route-access.ts says how to read an entry; the route-table
// suite, test/integration/route-access.db.test.ts, checks every one).
export const publishingRouteAccess: RouteAccessTable = {
  'GET /publications': { allow: ['admin', 'council_officer'], denied: 404 },
  'GET /publications/:id/versions/:version': {
    ids: 'publicationDraft',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /publications/:id/versions/:version/sign-off': {
    ids: 'publicationDraft',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /publications/:id/correct': {
    ids: 'publicationPublished',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'GET /publications/your-figures': { allow: ['provider_manager'], denied: 404 },
  'GET /published/:id': { ids: 'publicationPublished', allow: 'everyone', every: 'allowed' },
  'GET /published/:id/versions/:version': {
    ids: 'publicationPublished',
    allow: 'everyone',
    every: 'allowed',
  },
  'GET /published/:id/versions/:version/report.docx': {
    ids: 'publicationPublished',
    allow: 'everyone',
    every: 'allowed',
  },
  'GET /published/:id/versions/:version/report.csv': {
    ids: 'publicationPublished',
    allow: 'everyone',
    every: 'allowed',
  },
  // The progress report has no data file: 404 whoever asks (grants-publication.db.test.ts reads one).
  'GET /published/:id/versions/:version/data': { ids: 'publicationPublished', allow: 'everyone', every: 404 },
  'POST /publications/new': { allow: ['admin', 'council_officer'], denied: 404 },
  'POST /publications/:id/versions/:version/check': {
    ids: 'publicationDraft',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /publications/:id/versions/:version/challenges/:challengeId': {
    ids: 'publicationChecking',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /publications/:id/versions/:version/sign-off': {
    ids: 'publicationDraft',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  'POST /publications/:id/correct': {
    ids: 'publicationPublished',
    allow: ['admin', 'council_officer'],
    denied: 404,
  },
  // A provider challenges only figures that name it: the progress report names none, so 404 for all
  // (publishing.db.test.ts challenges a figure of a provider's own).
  'POST /publications/:id/versions/:version/challenges': {
    ids: 'publicationChecking',
    allow: [],
    denied: 404,
  },
}
