import { auditActions } from '../audit/index.ts'

// What emergency staffing records in the audit trail. The pool is personal data: every view of it is
// recorded too (who looked, when, at whom).
export const staffingAuditActions = auditActions({
  requestMade: 'staffing-request-made',
  requestClosed: 'staffing-request-closed',
  poolViewed: 'staffing-pool-viewed',
  poolPersonViewed: 'staffing-pool-person-viewed',
  poolMatchesViewed: 'staffing-pool-matches-viewed',
  requestDeploymentsViewed: 'staffing-request-deployments-viewed',
  poolPersonAdded: 'staffing-pool-person-added',
  poolChecksChanged: 'staffing-pool-checks-changed',
  poolAvailabilityAdded: 'staffing-pool-availability-added',
  deploymentMade: 'staffing-deployment-made',
  deploymentWorked: 'staffing-deployment-worked',
  deploymentCancelled: 'staffing-deployment-cancelled',
  budgetCreated: 'staffing-budget-created',
  teamMemberAdded: 'staffing-team-member-added',
  teamMemberRemoved: 'staffing-team-member-removed',
  teamLeadNamed: 'staffing-team-lead-named',
  teamLeadRemoved: 'staffing-team-lead-removed',
})
