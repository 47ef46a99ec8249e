import { auditActions } from '../audit/index.ts'

// The names the dashboards' audit records carry: a download of returns is recorded, with its filters.
export const dashboardsAuditActions = auditActions({
  returnsExported: 'returns-exported',
})
