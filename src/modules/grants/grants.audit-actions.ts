import { auditActions } from '../audit/index.ts'

// What grants record in the audit trail: each change to a round, its allocation, the providers' answers,
// payments, spend returns and recoveries.
export const grantsAuditActions = auditActions({
  roundCreated: 'grant-round-created',
  roundChanged: 'grant-round-changed',
  potImported: 'grant-pot-imported',
  roundPreviewed: 'grant-round-previewed',
  roundCommitted: 'grant-round-committed',
  termsAccepted: 'grant-terms-accepted',
  termsDeclined: 'grant-terms-declined',
  tranchePaid: 'grant-tranche-paid',
  spendReturned: 'grant-spend-returned',
  clawbackRecovered: 'grant-clawback-recovered',
})
