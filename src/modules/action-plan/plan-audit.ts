import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import type { actionPlanAuditActions } from './action-plan.audit-actions.ts'

// One audit record of a change to the plan, written in the change's transaction.
export const auditPlanChange = (
  trx: Parameters<typeof recordAudit>[0],
  actor: Actor,
  action: (typeof actionPlanAuditActions)[keyof typeof actionPlanAuditActions],
  entityType: string,
  entityId: string,
  before: unknown,
  after: unknown,
  at: Date,
) =>
  recordAudit(trx, {
    actorUserId: actor.userId,
    organisationId: actor.organisationId,
    action,
    entityType,
    entityId,
    before: before as never,
    after: after as never,
    occurredAt: at,
  })
