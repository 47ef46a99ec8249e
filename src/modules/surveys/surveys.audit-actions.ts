import { auditActions } from '../audit/index.ts'

// What surveys record in the audit trail.
export const surveysAuditActions = auditActions({
  surveyCreated: 'survey-created',
  surveyAnswered: 'survey-answered',
  surveyRemindersSent: 'survey-reminders-sent',
})
