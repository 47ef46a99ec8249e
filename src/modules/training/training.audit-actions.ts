import { auditActions } from '../audit/index.ts'

// What training records in the audit trail.
export const trainingAuditActions = auditActions({
  uptakeRecorded: 'training-uptake-recorded',
  feedbackRecorded: 'training-feedback-recorded',
  licencesImported: 'training-licences-imported',
  offerAdded: 'training-offer-added',
})
