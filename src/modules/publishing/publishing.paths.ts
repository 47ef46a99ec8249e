import { pagePath } from '../../web/page-path.ts'

// Publishing's pages: each pattern is its route's, and every link is built from it. `published*` are
// the permanent public addresses of published versions.
export const publishingPaths = {
  publications: pagePath('/publications'),
  startPublication: pagePath('/publications/new'),
  yourFigures: pagePath('/publications/your-figures'),
  publicationVersion: pagePath('/publications/:id/versions/:version'),
  startCheck: pagePath('/publications/:id/versions/:version/check'),
  challengeFigure: pagePath('/publications/:id/versions/:version/challenges'),
  resolveChallenge: pagePath('/publications/:id/versions/:version/challenges/:challengeId'),
  signOff: pagePath('/publications/:id/versions/:version/sign-off'),
  correctPublication: pagePath('/publications/:id/correct'),
  published: pagePath('/published/:id'),
  publishedVersion: pagePath('/published/:id/versions/:version'),
  publishedDocx: pagePath('/published/:id/versions/:version/report.docx'),
  publishedCsv: pagePath('/published/:id/versions/:version/report.csv'),
  // The kind's own data file (grants' 360Giving JSON), when it has one.
  publishedData: pagePath('/published/:id/versions/:version/data'),
}
