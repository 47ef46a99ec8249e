import { auditActions } from '../audit/index.ts'

// What paying providers records in the audit trail.
export const paymentsAuditActions = auditActions({
  packagesImported: 'commissioned-packages-imported',
  packageAdded: 'commissioned-package-added',
  deliveredHoursImported: 'delivered-hours-imported',
  voidBedsImported: 'void-beds-imported',
  schemeAdded: 'payment-scheme-added',
  runPrepared: 'payment-run-prepared',
  adjustingRunPrepared: 'adjusting-payment-run-prepared',
  lineHeld: 'payment-line-held',
  runApproved: 'payment-run-approved',
  paymentRecorded: 'payment-recorded',
  supportWordingChanged: 'provider-support-wording-changed',
})
