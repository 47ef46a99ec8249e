import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { deliveryCounts, failedEmails } from '../comms/index.ts'
import { resourceLinks } from '../resource-pack/index.ts'
import { attachmentsOf } from './attachments.repository.ts'
import { audienceSummary, audienceUsers } from './audience.repository.ts'
import { bulletinsAuditActions as actions } from './bulletins.audit-actions.ts'
import {
  bulletinOfToken,
  bulletinsFor,
  dueBulletins,
  findBulletin,
  markRead,
  queueBulletin,
  recipientOf,
  recipientsOf,
  resendToUnread,
  searchBulletins,
} from './bulletins.repository.ts'
import { type Audience, audienceInWords } from './domain/audience.ts'
import { bulletinHtml } from './domain/markdown.ts'

export type BulletinService = ReturnType<typeof createBulletinService>

// The council whose bulletins an officer sends and reads: their own council.
export const sendingCouncil = (actor: Actor): string | null =>
  can(actor, 'communications:send') && actor.organisationKind === 'council' ? actor.organisationId : null

const words = (q: string) =>
  q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8)

// Bulletins: composed and sent by a council's officers to an audience of providers, through the
// outbox; read by those providers' users in CareHub, or by the link in the mail.
export function createBulletinService(deps: { db: Db; clock: Clock; baseUrl: string }) {
  const { db, clock, baseUrl } = deps

  async function archive(actor: Actor, search: { q: string; from: string | null; to: string | null }) {
    const council = sendingCouncil(actor)
    if (!council) return null
    return searchBulletins(db, [council], { words: words(search.q), from: search.from, to: search.to })
  }

  const inbox = (actor: Actor) => (can(actor, 'communications:read') ? bulletinsFor(db, actor.userId) : [])

  // What the compose form offers: the areas of the council's market and its saved lists.
  async function formChoices(actor: Actor) {
    const council = sendingCouncil(actor)
    if (!council) return null
    const areas = await db
      .selectFrom('locations')
      .select('area')
      .distinct()
      .where('councilId', '=', council)
      .where('area', 'is not', null)
      .orderBy('area')
      .execute()
    const lists = await db
      .selectFrom('bulletinLists')
      .select(['id', 'name'])
      .where('councilId', '=', council)
      .orderBy('name')
      .execute()
    const resources = await resourceLinks(db, council, null)
    return { areas: areas.map((a) => a.area!), lists, resources }
  }

  async function draft(
    actor: Actor,
    form: { title: string; body: string },
    audience: Audience,
    resourceIds: string[] = [],
  ): Promise<{ id: string } | null> {
    const council = sendingCouncil(actor)
    if (!council) return null
    const now = clock.now()
    // Only items of the council's own pack are linked.
    const linked = (await resourceLinks(db, council, resourceIds)).map((r) => r.id)
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('bulletins')
        .values({
          councilId: council,
          title: form.title,
          body: form.body,
          audience: JSON.stringify(audience),
          resourceItemIds: JSON.stringify(linked),
          status: 'draft',
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.bulletinDrafted,
        entityType: 'bulletin',
        entityId: row.id,
        after: { title: form.title, audience },
        occurredAt: now,
      })
      return row
    })
  }

  async function listName(council: string, audience: Audience) {
    if (!audience.listId) return null
    const list = await db
      .selectFrom('bulletinLists')
      .select('name')
      .where('id', '=', audience.listId)
      .where('councilId', '=', council)
      .executeTakeFirst()
    return list?.name ?? null
  }

  // The check page: the count and a sample of who it will reach, and the bulletin as they will see it.
  async function check(actor: Actor, id: string) {
    const council = sendingCouncil(actor)
    if (!council || !isUuid(id)) return null
    const bulletin = await findBulletin(db, id, [council])
    if (!bulletin) return null
    return {
      bulletin,
      html: bulletinHtml(bulletin.body),
      linked: await resourceLinks(db, council, bulletin.resourceItemIds),
      attachments: await attachmentsOf(db, id),
      audienceWords: audienceInWords(bulletin.audience, await listName(council, bulletin.audience)),
      summary: await audienceSummary(db, bulletin.audience, [council]),
    }
  }

  // Now (queued at once) or at a time (the job queues it then). Only a draft is sent.
  async function send(
    actor: Actor,
    id: string,
    sendAt: Date | null,
  ): Promise<Outcome<{ id: string }> | null> {
    const council = sendingCouncil(actor)
    if (!council || !isUuid(id)) return null
    const bulletin = await findBulletin(db, id, [council])
    if (!bulletin) return null
    if (bulletin.status !== 'draft')
      return { ok: false, errors: { when: 'This bulletin has already been sent' } }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('bulletins')
        .set({ status: sendAt ? 'scheduled' : 'sending', sendAt: sendAt ?? now, updatedAt: now })
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: sendAt ? actions.bulletinScheduled : actions.bulletinSent,
        entityType: 'bulletin',
        entityId: id,
        after: { sendAt: (sendAt ?? now).toISOString(), audience: bulletin.audience },
        occurredAt: now,
      })
    })
    // Queued now; were this to stop half-way, the job finishes it (the bulletin stays "sending").
    if (!sendAt) await queueBulletin(db, id, now, { baseUrl })
    return { ok: true, value: { id } }
  }

  // An officer's view of a bulletin (who read it, failures), or a provider's (which marks it read).
  async function view(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const council = sendingCouncil(actor)
    if (council) {
      const bulletin = await findBulletin(db, id, [council])
      if (!bulletin) return null
      const recipients = await recipientsOf(db, id)
      return {
        kind: 'officer' as const,
        bulletin,
        html: bulletinHtml(bulletin.body),
        linked: await resourceLinks(db, council, bulletin.resourceItemIds),
        attachments: await attachmentsOf(db, id),
        audienceWords: audienceInWords(bulletin.audience, await listName(council, bulletin.audience)),
        recipients,
        readCount: recipients.filter((r) => r.readAt).length,
        // The first sending's e-mails and any reminders: how each fared, and the addresses to fix.
        delivery: await deliveryCounts(db, [`bulletin:${id}:`, `bulletin-reminder:${id}:`]),
        failures: await failedEmails(db, [`bulletin:${id}:`, `bulletin-reminder:${id}:`]),
      }
    }
    if (!can(actor, 'communications:read')) return null
    const received = await recipientOf(db, id, actor.userId)
    if (!received) return null
    if (!received.readAt) await markRead(db, { bulletinId: id, userId: actor.userId }, 'carehub', clock.now())
    return {
      kind: 'provider' as const,
      bulletin: received,
      html: bulletinHtml(received.body),
      linked: await resourceLinks(db, received.councilId, received.resourceItemIds),
      attachments: await attachmentsOf(db, id),
    }
  }

  // The tracked link in the mail: marks it read, and says which bulletin to show.
  async function readByLink(token: string): Promise<string | null> {
    if (!/^[0-9a-f]{64}$/.test(token)) return null
    const found = await bulletinOfToken(db, token)
    if (!found) return null
    await markRead(db, { token }, 'mail', clock.now())
    return found.bulletinId
  }

  // Whether the actor sends for the bulletin's council: asked before a resend's form is read, so that a
  // recipient is refused (404) without the bulletin being marked read for them.
  async function maySend(actor: Actor, id: string): Promise<boolean> {
    const council = sendingCouncil(actor)
    return Boolean(council && isUuid(id) && (await findBulletin(db, id, [council])))
  }

  async function resend(actor: Actor, id: string, days: number): Promise<number | null> {
    const council = sendingCouncil(actor)
    if (!council || !isUuid(id)) return null
    const bulletin = await findBulletin(db, id, [council])
    if (bulletin?.status !== 'sent') return null
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const queued = await resendToUnread(trx, id, days, now, baseUrl)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.bulletinResent,
        entityType: 'bulletin',
        entityId: id,
        after: { days, queued },
        occurredAt: now,
      })
      return queued
    })
  }

  // Keeps the providers this bulletin's audience reaches today as a named list, to send to again.
  async function saveList(actor: Actor, id: string, name: string): Promise<string | null> {
    const found = await check(actor, id)
    const council = sendingCouncil(actor)
    if (!found || !council) return null
    const providers = await audienceUsers(db, found.bulletin.audience, [council]).execute()
    const providerIds = [...new Set(providers.map((p) => p.providerId!))]
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('bulletinLists')
        .values({ councilId: council, name, providerIds: JSON.stringify(providerIds), createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.bulletinListSaved,
        entityType: 'bulletin-list',
        entityId: row.id,
        after: { name, providers: providerIds.length },
        occurredAt: now,
      })
      return row.id
    })
  }

  return { archive, inbox, formChoices, draft, check, send, view, readByLink, maySend, resend, saveList }
}

// The job: bulletins scheduled and due, and any a stopped sender left half-queued.
export async function sendDueBulletins(db: Db, clock: Clock, baseUrl: string): Promise<number> {
  let sent = 0
  for (const id of await dueBulletins(db, clock.now())) {
    await db.updateTable('bulletins').set({ status: 'sending' }).where('id', '=', id).execute()
    await queueBulletin(db, id, clock.now(), { baseUrl })
    sent++
  }
  return sent
}
