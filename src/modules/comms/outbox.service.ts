import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { commsAuditActions } from './comms.audit-actions.ts'

// The admin's view of the outbox: what is waiting, what keeps failing, what was sent. Bodies are not
// shown, since invitation e-mails carry sign-in links.
export function createOutboxService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function summary(actor: Actor) {
    if (!can(actor, 'outbox:read')) return null
    const counts = await db
      .selectFrom('outboxMessages')
      .select((eb) => [
        eb.fn.countAll<string>().filterWhere('status', '=', 'pending').as('waiting'),
        eb.fn
          .countAll<string>()
          .filterWhere('status', '=', 'pending')
          .filterWhere('attempts', '>', 0)
          .as('failing'),
        eb.fn.countAll<string>().filterWhere('status', '=', 'sent').as('sent'),
      ])
      .executeTakeFirstOrThrow()
    const failing = await db
      .selectFrom('outboxMessages')
      .select(['id', 'kind', 'subject', 'createdAt', 'attempts', 'lastError', 'nextAttemptAt'])
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .orderBy('createdAt')
      .limit(100)
      .execute()
    return {
      waiting: Number(counts.waiting),
      failing: Number(counts.failing),
      sent: Number(counts.sent),
      failingMessages: failing,
    }
  }

  async function retryNow(actor: Actor, id: string): Promise<boolean> {
    if (!can(actor, 'outbox:read') || !isUuid(id)) return false
    return db.transaction().execute(async (trx) => {
      const now = clock.now()
      const result = await trx
        .updateTable('outboxMessages')
        .set({ nextAttemptAt: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) return false
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: commsAuditActions.outboxRetried,
        entityType: 'outbox-message',
        entityId: id,
        occurredAt: now,
      })
      return true
    })
  }

  return { summary, retryNow }
}

export type OutboxService = ReturnType<typeof createOutboxService>
