import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'
import { resourceLinks } from '../resource-pack/index.ts'
import { attachmentLink, attachmentsOf } from './attachments.repository.ts'
import { audienceUsers } from './audience.repository.ts'
import { bulletinText } from './domain/markdown.ts'

export type BulletinRow = Awaited<ReturnType<typeof findBulletin>> & object

export async function findBulletin(db: DbOrTransaction, id: string, councilIds: readonly string[]) {
  if (councilIds.length === 0) return undefined
  return db
    .selectFrom('bulletins')
    .selectAll()
    .where('id', '=', id)
    .where('councilId', 'in', councilIds)
    .executeTakeFirst()
}

// The council's bulletins, newest first, narrowed by words (title or body) and dates.
export async function searchBulletins(
  db: DbOrTransaction,
  councilIds: readonly string[],
  search: { words: string[]; from: string | null; to: string | null },
) {
  if (councilIds.length === 0) return []
  let query = db
    .selectFrom('bulletins')
    .select(['id', 'title', 'status', 'sendAt', 'sentAt', 'createdAt', 'recipientCount'])
    .select((eb) =>
      eb
        .selectFrom('bulletinRecipients')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('bulletinRecipients.bulletinId', '=', 'bulletins.id')
        .where('bulletinRecipients.readAt', 'is not', null)
        .as('readCount'),
    )
    .where('councilId', 'in', councilIds)
  for (const word of search.words) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) => eb.or([eb('title', 'ilike', pattern), eb('body', 'ilike', pattern)]))
  }
  if (search.from) query = query.where(sql<boolean>`coalesce(sent_at, created_at) >= ${search.from}::date`)
  if (search.to) query = query.where(sql<boolean>`coalesce(sent_at, created_at) < ${search.to}::date + 1`)
  return query.orderBy('createdAt', 'desc').limit(200).execute()
}

// Queues a bulletin to everyone in its audience, in steps that may each be the last before a crash:
// first the recipients (one row per user, the bulletin's key), then their e-mails in batches, each
// e-mail under the key `bulletin:<id>:<user>`. Run again, it adds only what is missing: nobody is
// queued twice. `afterBatch` lets a test stop it half-way.
export async function queueBulletin(
  db: Db,
  bulletinId: string,
  now: Date,
  options: { baseUrl: string; batchSize?: number; afterBatch?: (n: number) => void },
): Promise<number> {
  const bulletin = await db
    .selectFrom('bulletins')
    .selectAll()
    .where('id', '=', bulletinId)
    .executeTakeFirstOrThrow()
  const councilIds = [bulletin.councilId]
  await db.transaction().execute(async (trx) => {
    const users = audienceUsers(trx, bulletin.audience, councilIds)
    await sql`
      insert into bulletin_recipients (bulletin_id, user_id, provider_id, email, read_token, queued_at)
      select ${bulletinId}::uuid, u.user_id, u.provider_id, u.email,
        replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), ${now}
      from (${users}) u
      on conflict do nothing`.execute(trx)
  })
  const subject = bulletin.title
  const text = await mailText(db, bulletin, options.baseUrl)
  const readLink = `${options.baseUrl}/bulletins/read/`
  const batchSize = options.batchSize ?? 10_000
  let after: string | null = null
  for (let batch = 0; ; batch++) {
    const last: string | null = after
    const ids: { userId: string } | undefined = await db
      .selectFrom('bulletinRecipients')
      .select('userId')
      .where('bulletinId', '=', bulletinId)
      .$if(last !== null, (q) => q.where('userId', '>', last!))
      .orderBy('userId')
      .offset(batchSize - 1)
      .limit(1)
      .executeTakeFirst()
    const upTo: string | null = ids?.userId ?? null
    await enqueueEmailsOnce(
      db,
      'bulletin',
      sql`select 'bulletin:' || r.bulletin_id || ':' || r.user_id as dedupe_key, r.email as to_address,
          ${subject}::text as subject,
          ${text}::text || ${'\n\nRead it in CareHub: '}::text || ${readLink}::text || r.read_token as body
        from bulletin_recipients r
        where r.bulletin_id = ${bulletinId}
          ${last === null ? sql`` : sql`and r.user_id > ${last}`}
          ${upTo === null ? sql`` : sql`and r.user_id <= ${upTo}`}`,
      now,
    )
    options.afterBatch?.(batch)
    if (upTo === null) break
    after = upTo
  }
  const count = await db
    .selectFrom('bulletinRecipients')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('bulletinId', '=', bulletinId)
    .executeTakeFirstOrThrow()
  await db
    .updateTable('bulletins')
    .set({ status: 'sent', sentAt: now, recipientCount: Number(count.n), updatedAt: now })
    .where('id', '=', bulletinId)
    .execute()
  return Number(count.n)
}

// The mail's text: the body as plain text, then links to the resource pack's items and to the attached
// files (the reader signs in to download one: only the bulletin's audience may).
async function mailText(
  db: DbOrTransaction,
  bulletin: { id: string; body: string; councilId: string; resourceItemIds: string[] },
  baseUrl: string,
): Promise<string> {
  const linked = await resourceLinks(db, bulletin.councilId, bulletin.resourceItemIds)
  const files = await attachmentsOf(db, bulletin.id)
  return [
    bulletinText(bulletin.body),
    ...(linked.length
      ? ['', 'From the resource pack:', ...linked.map((r) => `- ${r.title}: ${baseUrl}/resources/${r.id}`)]
      : []),
    ...(files.length
      ? [
          '',
          'Attached files (sign in to CareHub to download them):',
          ...files.map((f) => `- ${f.fileName} (${f.size}): ${attachmentLink(baseUrl, bulletin.id, f.id)}`),
        ]
      : []),
  ].join('\n')
}

// Bulletins to send now: scheduled and due, or left sending by a sender that stopped.
export async function dueBulletins(db: DbOrTransaction, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('bulletins')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('status', '=', 'sending'),
        eb.and([eb('status', '=', 'scheduled'), eb('sendAt', '<=', now)]),
      ]),
    )
    .orderBy('createdAt')
    .limit(20)
    .execute()
  return rows.map((r) => r.id)
}

// A provider's user's bulletins: unread first, then newest.
export async function bulletinsFor(db: DbOrTransaction, userId: string, limit = 50) {
  return db
    .selectFrom('bulletinRecipients')
    .innerJoin('bulletins', 'bulletins.id', 'bulletinRecipients.bulletinId')
    .select(['bulletins.id', 'bulletins.title', 'bulletins.sentAt', 'bulletinRecipients.readAt'])
    .where('bulletinRecipients.userId', '=', userId)
    .orderBy(sql`bulletin_recipients.read_at is null`, 'desc')
    .orderBy('bulletinRecipients.queuedAt', 'desc')
    .limit(limit)
    .execute()
}

export async function recipientOf(db: DbOrTransaction, bulletinId: string, userId: string) {
  return db
    .selectFrom('bulletinRecipients')
    .innerJoin('bulletins', 'bulletins.id', 'bulletinRecipients.bulletinId')
    .selectAll('bulletins')
    .select(['bulletinRecipients.readAt'])
    .where('bulletinRecipients.bulletinId', '=', bulletinId)
    .where('bulletinRecipients.userId', '=', userId)
    .executeTakeFirst()
}

export async function markRead(
  db: DbOrTransaction,
  where: { bulletinId: string; userId: string } | { token: string },
  by: 'carehub' | 'mail',
  now: Date,
) {
  let query = db
    .updateTable('bulletinRecipients')
    .set({ readAt: now, readBy: by })
    .where('readAt', 'is', null)
  query =
    'token' in where
      ? query.where('readToken', '=', where.token)
      : query.where('bulletinId', '=', where.bulletinId).where('userId', '=', where.userId)
  await query.execute()
}

export async function bulletinOfToken(db: DbOrTransaction, token: string) {
  return db
    .selectFrom('bulletinRecipients')
    .select(['bulletinId', 'userId'])
    .where('readToken', '=', token)
    .executeTakeFirst()
}

// Who received it and whether they read it, by provider.
export async function recipientsOf(db: DbOrTransaction, bulletinId: string) {
  return db
    .selectFrom('bulletinRecipients')
    .innerJoin('providers', 'providers.id', 'bulletinRecipients.providerId')
    .select([
      'providers.name as providerName',
      'bulletinRecipients.email',
      'bulletinRecipients.readAt',
      'bulletinRecipients.readBy',
      'bulletinRecipients.resentAt',
    ])
    .where('bulletinRecipients.bulletinId', '=', bulletinId)
    .orderBy(sql`bulletin_recipients.read_at is null`, 'desc')
    .orderBy('providers.name')
    .orderBy('bulletinRecipients.email')
    .limit(500)
    .execute()
}

// Sends it again to those who have not read it `days` days after it was queued (once each).
export async function resendToUnread(
  db: DbOrTransaction,
  bulletinId: string,
  days: number,
  now: Date,
  baseUrl: string,
) {
  const bulletin = await db
    .selectFrom('bulletins')
    .selectAll()
    .where('id', '=', bulletinId)
    .executeTakeFirstOrThrow()
  const cutoff = new Date(now.getTime() - days * 86_400_000)
  const text = await mailText(db, bulletin, baseUrl)
  const queued = await enqueueEmailsOnce(
    db,
    'bulletin',
    sql`select 'bulletin-reminder:' || r.bulletin_id || ':' || r.user_id as dedupe_key, r.email as to_address,
        ${`Reminder: ${bulletin.title}`}::text as subject,
        ${text}::text || ${'\n\nRead it in CareHub: '}::text || ${`${baseUrl}/bulletins/read/`}::text || r.read_token as body
      from bulletin_recipients r
      where r.bulletin_id = ${bulletinId} and r.read_at is null and r.resent_at is null and r.queued_at <= ${cutoff}`,
    now,
  )
  await db
    .updateTable('bulletinRecipients')
    .set({ resentAt: now })
    .where('bulletinId', '=', bulletinId)
    .where('readAt', 'is', null)
    .where('resentAt', 'is', null)
    .where('queuedAt', '<=', cutoff)
    .execute()
  return queued
}
