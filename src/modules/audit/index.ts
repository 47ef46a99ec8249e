import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { auditPaths } from './audit.paths.ts'
import { auditRouteAccess } from './audit.route-access.ts'
import { auditRoutes } from './audit.routes.ts'
import { createAuditService } from './audit.service.ts'

export { auditPaths } from './audit.paths.ts'
export { type AuditEntry, auditRow, recordAudit, recordAudits } from './audit.repository.ts'
export type { AuditService } from './audit.service.ts'
export type { AuditEventTable } from './audit.tables.ts'
export { AuditAction, type AuditActionName, auditActions } from './audit-actions.ts'

// The audit trail: every change, who made it and for which council; read by admins.
export const audit = defineCapability()({
  name: 'audit',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: auditRouteAccess,
  services: ({ db }) => ({ audit: createAuditService({ db }) }),
  routes: async (app, { audit }) => {
    await app.register(auditRoutes, { audit })
  },
  paths: auditPaths,
  navigation: (actor) =>
    can(actor, 'audit:read') ? [{ href: auditPaths.auditTrail.build(), text: 'Audit', order: 130 }] : [],
})
