import { auditActions } from '../audit/index.ts'

// What the capacity tracker's upload page records in the audit trail: an extract saved (each return it
// saved has its own record, from the one save path).
export const trackerUploadAuditActions = auditActions({
  trackerExtractImported: 'capacity-tracker-extract-imported',
})
