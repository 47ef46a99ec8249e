import { auditActions } from '../audit/index.ts'

// What provider resilience records in the audit trail.
export const resilienceAuditActions = auditActions({
  resilienceRecorded: 'location-resilience-recorded',
  protectionPlanOpened: 'protection-plan-opened',
  protectionPlanReviewed: 'protection-plan-reviewed',
  protectionPlanClosed: 'protection-plan-closed',
})
