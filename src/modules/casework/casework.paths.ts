import { pagePath, pagePathWith } from '../../web/page-path.ts'

// Casework's pages: each pattern is its route's, each builder its links' (templates: paths.case(id) …).
export const caseworkPaths = {
  worklist: pagePathWith('/worklist', (filter?: string) =>
    filter && filter !== 'all' ? `/worklist?show=${encodeURIComponent(filter)}` : '/worklist',
  ),
  case: pagePath('/cases/:id'),
  takeCaseOwnership: pagePath('/cases/:id/take-ownership'),
  passCase: pagePath('/cases/:id/pass'),
  caseActions: pagePath('/cases/:id/actions'),
  caseActionDone: pagePath('/cases/:id/actions/:actionId/done'),
  resolveAlert: pagePath('/cases/:id/alerts/:alertId/resolve'),
  closeCase: pagePath('/cases/:id/close'),
  recordIntelligence: pagePath('/locations/:id/intelligence'),
}
