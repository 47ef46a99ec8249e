import { auditActions } from '../audit/index.ts'

// What the returns record in the audit trail: each version saved (by the one save path), and chases of
// missing returns.
export const returnsAuditActions = auditActions({
  returnSubmitted: 'return-submitted',
  returnAmended: 'return-amended',
  returnChased: 'return-chased',
  returnImported: 'return-imported-from-capacity-tracker',
})
