import { auditActions } from '../audit/index.ts'

// What the directory records in the audit trail besides locations (those are audit-actions.ts's own).
export const directoryAuditActions = auditActions({
  providerCreatedByImport: 'provider-created-by-import',
  providerUpdatedByImport: 'provider-updated-by-import',
})
