import { auditActions } from '../audit/index.ts'

// What the action plan records in the audit trail.
export const actionPlanAuditActions = auditActions({
  actionUpdated: 'plan-action-updated',
})
