import { auditActions } from '../audit/index.ts'

// What the resource pack and events record in the audit trail.
export const resourcePackAuditActions = auditActions({
  resourceAdded: 'resource-added',
  resourceVersionAdded: 'resource-version-added',
  eventCreated: 'event-created',
  eventSignedUp: 'event-signed-up',
  eventAttendanceRecorded: 'event-attendance-recorded',
  eventQuestionRecorded: 'event-question-recorded',
  eventQuestionToFaq: 'event-question-added-to-faq',
})
