import { auditActions } from '../audit/index.ts'

// What infection control records in the audit trail.
export const ipcAuditActions = auditActions({
  visitPlanned: 'ipc-visit-planned',
  visitRecorded: 'ipc-visit-recorded',
  visitCancelled: 'ipc-visit-cancelled',
  actionDone: 'ipc-action-done',
  checklistChanged: 'ipc-checklist-changed',
})
