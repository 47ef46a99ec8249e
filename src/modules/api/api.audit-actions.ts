import { auditActions } from '../audit/index.ts'

// What the API records in the audit trail: its tokens, made and revoked.
export const apiAuditActions = auditActions({
  apiTokenCreated: 'api-token-created',
  apiTokenRevoked: 'api-token-revoked',
})
