import { pagePath, pagePathWith } from '../../web/page-path.ts'

// Provider resilience's pages: each pattern is its route's, and every link is built from it.
export const resiliencePaths = {
  providersAtRisk: pagePath('/providers-at-risk'),
  locationResilience: pagePath('/locations/:id/resilience'),
  // A protection plan is opened from a case, carried in the query.
  newProtectionPlan: pagePathWith('/protection-plans/new', (caseId?: string) =>
    caseId ? `/protection-plans/new?caseId=${encodeURIComponent(caseId)}` : '/protection-plans/new',
  ),
  protectionPlan: pagePath('/protection-plans/:id'),
  protectionPlanReview: pagePath('/protection-plans/:id/review'),
  closeProtectionPlan: pagePath('/protection-plans/:id/close'),
}
