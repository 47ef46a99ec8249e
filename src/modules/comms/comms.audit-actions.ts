import { auditActions } from '../audit/index.ts'

// What comms records in the audit trail.
export const commsAuditActions = auditActions({
  outboxRetried: 'outbox-message-retried',
  deliveryReceived: 'email-delivery-receipt-received',
})
