import { type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

export type OutgoingEmail = { kind: string; to: string; subject: string; body: string }

// Written in the caller's transaction: the e-mail exists if and only if the change that caused it does.
export async function enqueueEmail(db: DbOrTransaction, email: OutgoingEmail, now: Date): Promise<string> {
  const row = await db
    .insertInto('outboxMessages')
    .values({
      kind: email.kind,
      toAddress: email.to,
      subject: email.subject,
      body: email.body,
      createdAt: now,
      nextAttemptAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

// Many e-mails from one query, whose columns are dedupe_key, to_address, subject and body: each is
// queued at most once ever under its key, so a sender that stops half-way and starts again queues only
// those not yet queued, and none twice. Returns how many it queued now.
export async function enqueueEmailsOnce(
  db: DbOrTransaction,
  kind: string,
  rows: RawBuilder<unknown>,
  now: Date,
): Promise<number> {
  const result = await sql`
    insert into outbox_messages (kind, to_address, subject, body, created_at, next_attempt_at, dedupe_key)
    select ${kind}, r.to_address, r.subject, r.body, ${now}, ${now}, r.dedupe_key from (${rows}) r
    on conflict (dedupe_key) do nothing`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

export type ClaimedEmail = { id: string; toAddress: string; subject: string; body: string; attempts: number }

// Claims due messages so that several app instances never send the same one twice.
export async function claimDueEmails(db: DbOrTransaction, now: Date, limit: number): Promise<ClaimedEmail[]> {
  const result = await sql<ClaimedEmail>`
    update outbox_messages set next_attempt_at = ${new Date(now.getTime() + 5 * 60_000)}
    where id in (
      select id from outbox_messages
      where status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id, to_address as "toAddress", subject, body, attempts`.execute(db)
  return result.rows
}

export async function markSent(db: DbOrTransaction, id: string, now: Date): Promise<void> {
  await db
    .updateTable('outboxMessages')
    .set({ status: 'sent', sentAt: now, attempts: sql`attempts + 1`, lastError: null })
    .where('id', '=', id)
    .execute()
}

export async function markAttemptFailed(
  db: DbOrTransaction,
  id: string,
  error: string,
  nextAttemptAt: Date,
): Promise<void> {
  await db
    .updateTable('outboxMessages')
    .set({ attempts: sql`attempts + 1`, lastError: error.slice(0, 500), nextAttemptAt })
    .where('id', '=', id)
    .execute()
}

// For /readyz: e-mails waiting to go, and how long the oldest has waited.
export async function outboxFigures(
  db: DbOrTransaction,
): Promise<{ outboxBacklog: number; outboxOldestWaitingSeconds: number }> {
  const { rows } = await sql<{ backlog: string; oldest: string | null }>`
    select count(*) as backlog, extract(epoch from now() - min(created_at)) as oldest
    from outbox_messages where status = 'pending'`.execute(db)
  const row = rows[0]
  return {
    outboxBacklog: Number(row?.backlog ?? 0),
    outboxOldestWaitingSeconds: Math.max(0, Math.round(Number(row?.oldest ?? 0))),
  }
}
