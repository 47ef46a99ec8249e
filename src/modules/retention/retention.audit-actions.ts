import { auditActions } from '../audit/index.ts'

// What the retention job records: what it removed, as counts and ids, never the data itself.
export const retentionAuditActions = auditActions({
  personalDataRemoved: 'personal-data-removed',
})
