import { auditActions } from '../audit/index.ts'

// What the action plan records in the audit trail.
export const actionPlanAuditActions = auditActions({
  actionUpdated: 'plan-action-updated',
  areaAdded: 'plan-area-added',
  objectiveAdded: 'plan-objective-added',
  actionAdded: 'plan-action-added',
  areaChanged: 'plan-area-changed',
  actionChanged: 'plan-action-changed',
})
