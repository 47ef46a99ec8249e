import { auditActions } from '../audit/index.ts'

// What the returns record in the audit trail: each version saved (by the one save path), and chases of
// missing returns.
export const returnsAuditActions = auditActions({
  returnSubmitted: 'return-submitted',
  returnAmended: 'return-amended',
  returnChased: 'return-chased',
  returnImported: 'return-imported-from-capacity-tracker',
  // Agreed exceptions (return-exceptions.service.ts); a nil return is a version like any other.
  returnExceptionGranted: 'return-exception-granted',
  returnExceptionEnded: 'return-exception-ended',
})
