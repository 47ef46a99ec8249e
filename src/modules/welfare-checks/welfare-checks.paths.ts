import { pagePath, pagePathWith } from '../../web/page-path.ts'

// Welfare checks' pages: each pattern is its route's, and every link is built from it.
export const welfarePaths = {
  welfare: pagePath('/welfare'),
  // Recording a provider's cancellations starts from a location, carried in the query.
  newWelfareCancellation: pagePathWith('/welfare/cancellations/new', (locationId?: string) =>
    locationId
      ? `/welfare/cancellations/new?locationId=${encodeURIComponent(locationId)}`
      : '/welfare/cancellations/new',
  ),
  welfareCancellation: pagePath('/welfare/cancellations/:id'),
  welfarePeople: pagePath('/welfare/cancellations/:id/people'),
  assignWelfareChecks: pagePath('/welfare/cancellations/:id/assign'),
  welfareCheck: pagePath('/welfare/checks/:id'),
  welfareOutcome: pagePath('/welfare/checks/:id/outcome'),
  welfareAccess: pagePath('/welfare/access'),
}
