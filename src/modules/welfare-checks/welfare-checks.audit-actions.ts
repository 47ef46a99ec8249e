import { auditActions } from '../audit/index.ts'

// What welfare checks record in the audit trail: every view of personal data as well as every change.
export const welfareAuditActions = auditActions({
  welfareListViewed: 'welfare-list-viewed',
  welfareCancellationViewed: 'welfare-cancellation-viewed',
  welfareCheckViewed: 'welfare-check-viewed',
  welfareCancellationRecorded: 'welfare-cancellation-recorded',
  welfarePersonListed: 'welfare-person-listed',
  welfareCheckAssigned: 'welfare-check-assigned',
  welfareOutcomeRecorded: 'welfare-outcome-recorded',
  welfareCheckEscalated: 'welfare-check-escalated',
  welfarePersonalDataRemoved: 'welfare-personal-data-removed',
  welfareGrantGiven: 'welfare-grant-given',
  welfareGrantRemoved: 'welfare-grant-removed',
})
