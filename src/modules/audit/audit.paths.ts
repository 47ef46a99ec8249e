import { pagePath } from '../../web/page-path.ts'

// The audit trail's pages (templates: paths.auditTrail(), paths.auditEvent(id)).
export const auditPaths = {
  auditTrail: pagePath('/admin/audit'),
  auditEvent: pagePath('/admin/audit/:id'),
}
