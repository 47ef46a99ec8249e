import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import { auditRoutes } from './audit.routes.ts'
import { createAuditService } from './audit.service.ts'

export { type AuditEntry, auditRow, recordAudit } from './audit.repository.ts'
export type { AuditService } from './audit.service.ts'
export { AuditAction } from './audit-actions.ts'

// The audit trail: every change, who made it and for which council; read by admins.
export const audit = defineCapability()({
  name: 'audit',
  services: ({ db }) => ({ audit: createAuditService({ db }) }),
  routes: async (app, { audit }) => {
    await app.register(auditRoutes, { audit })
  },
  navigation: (actor) =>
    can(actor, 'audit:read') ? [{ href: paths.admin.audit(), text: 'Audit', order: 130 }] : [],
})
