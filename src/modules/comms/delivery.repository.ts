import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { recordAudit } from '../audit/index.ts'
import { commsAuditActions } from './comms.audit-actions.ts'
import { type DeliveryReceipt, deliveryStatusWords, failedDeliveries } from './domain/delivery-receipt.ts'

const keyPattern = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
// One key prefix or several (a bulletin's first sending and its reminders).
const patterns = (prefixes: string | readonly string[]) =>
  (typeof prefixes === 'string' ? [prefixes] : prefixes).map(keyPattern)

// Records Notify's receipt on the e-mail it is about, with its audit record, in one transaction. A
// receipt older than the one already recorded changes nothing (Notify may send them out of order).
// Returns whether an e-mail of ours was found.
export async function recordDeliveryReceipt(
  db: DbOrTransaction,
  receipt: DeliveryReceipt,
  now: Date,
): Promise<boolean> {
  const at = receipt.completedAt ?? now
  const updated = await db
    .updateTable('outboxMessages')
    .set({
      deliveryStatus: receipt.status,
      deliveryDetail: deliveryStatusWords[receipt.status] ?? receipt.status,
      deliveryUpdatedAt: at,
      notifyId: receipt.notifyId,
    })
    .where('id', '=', receipt.reference)
    .where((eb) => eb.or([eb('deliveryUpdatedAt', 'is', null), eb('deliveryUpdatedAt', '<=', at)]))
    .returning(['id', 'kind'])
    .executeTakeFirst()
  if (!updated) return false
  await recordAudit(db, {
    actorUserId: null,
    organisationId: null,
    action: commsAuditActions.deliveryReceived,
    entityType: 'outbox-message',
    entityId: updated.id,
    after: { status: receipt.status, notifyId: receipt.notifyId },
    occurredAt: now,
  })
  return true
}

export type DeliveryCounts = {
  waiting: number
  failing: number
  sent: number
  delivered: number
  bounced: number
  temporaryFailure: number
  technicalFailure: number
}

// How the e-mails under keys starting with the prefixes stand: waiting to go, failing to go (the mail
// service refused them; retried), accepted and not yet reported on, and each of Notify's outcomes.
export async function deliveryCounts(
  db: DbOrTransaction,
  prefixes: string | readonly string[],
): Promise<DeliveryCounts> {
  const keys = sql.join(
    patterns(prefixes).map((p) => sql`dedupe_key like ${p}`),
    sql` or `,
  )
  const { rows } = await sql<Record<keyof DeliveryCounts, string>>`
    select
      count(*) filter (where status = 'pending' and attempts = 0) as waiting,
      count(*) filter (where status = 'pending' and attempts > 0) as failing,
      count(*) filter (where status = 'sent' and delivery_status is null) as sent,
      count(*) filter (where delivery_status = 'delivered') as delivered,
      count(*) filter (where delivery_status = 'permanent-failure') as bounced,
      count(*) filter (where delivery_status = 'temporary-failure') as "temporaryFailure",
      count(*) filter (where delivery_status = 'technical-failure') as "technicalFailure"
    from outbox_messages where (${keys})`.execute(db)
  const row = rows[0]!
  return {
    waiting: Number(row.waiting),
    failing: Number(row.failing),
    sent: Number(row.sent),
    delivered: Number(row.delivered),
    bounced: Number(row.bounced),
    temporaryFailure: Number(row.temporaryFailure),
    technicalFailure: Number(row.technicalFailure),
  }
}

// The e-mails under keys starting with the prefixes that did not arrive: the mail service refused them
// (not sent, retried) or reported a bounce or failed delivery afterwards. For the sender to fix the
// contacts; `problem` says what happened.
export async function failedEmails(db: DbOrTransaction, prefixes: string | readonly string[]) {
  const rows = await db
    .selectFrom('outboxMessages')
    .select(['dedupeKey', 'toAddress', 'lastError', 'attempts', 'status', 'deliveryStatus', 'deliveryDetail'])
    .where((eb) => eb.or(patterns(prefixes).map((p) => eb('dedupeKey', 'like', p))))
    .where((eb) =>
      eb.or([
        eb.and([eb('lastError', 'is not', null), eb('status', '<>', 'sent')]),
        eb('deliveryStatus', 'in', [...failedDeliveries, 'technical-failure']),
      ]),
    )
    .orderBy('toAddress')
    .limit(500)
    .execute()
  return rows.map((r) => ({ ...r, problem: r.deliveryDetail ?? r.lastError ?? '' }))
}
