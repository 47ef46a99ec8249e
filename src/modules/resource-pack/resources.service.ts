import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'
import { checkItem, checkVersion, isDue } from './domain/resources.rules.ts'
import { resourcePackAuditActions as actions } from './resource-pack.audit-actions.ts'

export type ResourceService = ReturnType<typeof createResourceService>

// The councils whose pack and events an actor reads: an officer's own council; a provider's, the
// councils its locations are in or contracted by.
export async function councilsFor(db: DbOrTransaction, actor: Actor): Promise<string[]> {
  if (actor.role === 'provider_manager') {
    if (!actor.providerId) return []
    const { rows } = await sql<{ councilId: string }>`
      select l.council_id as "councilId" from locations l where l.provider_id = ${actor.providerId} and l.council_id is not null
      union select c.council_id from council_contracts c join locations l on l.id = c.location_id
      where l.provider_id = ${actor.providerId}`.execute(db)
    return rows.map((r) => r.councilId)
  }
  return actor.organisationKind === 'council' ? [actor.organisationId] : [...actor.councilIds]
}

export const mayKeep = (actor: Actor) =>
  can(actor, 'communications:send') && actor.organisationKind === 'council'

// Each item with its current version (the highest), the one always shown.
function currentItems(db: DbOrTransaction, councilIds: readonly string[]) {
  return db
    .selectFrom('resourceItems')
    .innerJoin('resourceVersions', 'resourceVersions.itemId', 'resourceItems.id')
    .innerJoin('users', 'users.id', 'resourceItems.ownerUserId')
    .select([
      'resourceItems.id',
      'resourceItems.title',
      'resourceItems.category',
      'resourceItems.ownerUserId',
      'users.displayName as ownerName',
      'resourceVersions.version',
      'resourceVersions.link',
      'resourceVersions.summary',
      'resourceVersions.reviewOn',
      'resourceVersions.createdAt as versionAt',
    ])
    .where(
      'resourceItems.councilId',
      'in',
      councilIds.length ? councilIds : ['00000000-0000-0000-0000-000000000000'],
    )
    .where(
      'resourceVersions.version',
      '=',
      sql<number>`(select max(v.version) from resource_versions v where v.item_id = resource_items.id)`,
    )
}

export function createResourceService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())

  async function list(actor: Actor) {
    if (!can(actor, 'communications:read')) return null
    const items = await currentItems(db, await councilsFor(db, actor))
      .orderBy('resourceItems.category')
      .orderBy('resourceItems.title')
      .execute()
    const keeper = mayKeep(actor)
    return { items: items.map((i) => ({ ...i, due: keeper && isDue(i.reviewOn, today()) })), mayKeep: keeper }
  }

  // The items an owner must review: their current version's review date has come.
  async function dueFor(actor: Actor) {
    if (!mayKeep(actor)) return []
    const items = await currentItems(db, [actor.organisationId])
      .where('resourceItems.ownerUserId', '=', actor.userId)
      .where('resourceVersions.reviewOn', '<=', today())
      .orderBy('resourceVersions.reviewOn')
      .execute()
    return items
  }

  async function item(actor: Actor, id: string) {
    if (!isUuid(id) || !can(actor, 'communications:read')) return null
    const current = await currentItems(db, await councilsFor(db, actor))
      .where('resourceItems.id', '=', id)
      .executeTakeFirst()
    if (!current) return null
    const versions = await db
      .selectFrom('resourceVersions')
      .selectAll()
      .where('itemId', '=', id)
      .orderBy('version', 'desc')
      .execute()
    return {
      item: { ...current, due: mayKeep(actor) && isDue(current.reviewOn, today()) },
      versions,
      mayKeep: mayKeep(actor),
    }
  }

  async function add(
    actor: Actor,
    form: { title: string; category: string; link: string; summary: string; reviewOn: string | null },
  ): Promise<Outcome<{ id: string }> | null> {
    if (!mayKeep(actor)) return null
    const checked = checkItem(form, today())
    if (!checked.ok) return checked
    const now = clock.now()
    const { title, category, ...version } = checked.value
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('resourceItems')
        .values({
          councilId: actor.organisationId,
          category,
          title,
          ownerUserId: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('resourceVersions')
        .values({ itemId: row.id, version: 1, ...version, createdBy: actor.userId, createdAt: now })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.resourceAdded,
        entityType: 'resource',
        entityId: row.id,
        after: checked.value,
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  async function addVersion(
    actor: Actor,
    id: string,
    form: { link: string; summary: string; reviewOn: string | null },
  ): Promise<Outcome<{ version: number }> | null> {
    const found = await item(actor, id)
    if (!found?.mayKeep) return null
    const checked = checkVersion(form, today())
    if (!checked.ok) return checked
    const now = clock.now()
    const version = found.item.version + 1
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('resourceVersions')
        .values({ itemId: id, version, ...checked.value, createdBy: actor.userId, createdAt: now })
        .execute()
      await trx.updateTable('resourceItems').set({ reviewFlaggedAt: null }).where('id', '=', id).execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.resourceVersionAdded,
        entityType: 'resource',
        entityId: id,
        after: { version, ...checked.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: { version } }
  }

  return { list, dueFor, item, add, addVersion }
}

// The daily job: tells each owner, once per version, that an item of theirs is due for review.
export async function flagResourcesDue(db: Db, clock: Clock, baseUrl: string): Promise<number> {
  const now = clock.now()
  const today = londonDate(now)
  return db.transaction().execute(async (trx) => {
    const queued = await enqueueEmailsOnce(
      trx,
      'resource-review',
      sql`select 'resource-review:' || i.id || ':' || v.version as dedupe_key, u.email as to_address,
          'Resource due for review: ' || i.title as subject,
          'The resource pack item "' || i.title || '" (version ' || v.version || ') was due for review on '
            || v.review_on || E'. Check it is still right, and add a new version or a new review date:\n\n'
            || ${baseUrl}::text || '/resources/' || i.id as body
        from resource_items i
        join resource_versions v on v.item_id = i.id
          and v.version = (select max(x.version) from resource_versions x where x.item_id = i.id)
        join users u on u.id = i.owner_user_id
        where v.review_on <= ${today}::date and i.review_flagged_at is null`,
      now,
    )
    await sql`update resource_items i set review_flagged_at = ${now}
      where i.review_flagged_at is null and exists (select 1 from resource_versions v where v.item_id = i.id
        and v.version = (select max(x.version) from resource_versions x where x.item_id = i.id)
        and v.review_on <= ${today}::date)`.execute(trx)
    return queued
  })
}

// Items a bulletin links to, by id, within one council's pack: their titles and their pages in
// CareHub (which always show the current version).
export async function resourceLinks(db: DbOrTransaction, councilId: string, ids: readonly string[] | null) {
  let query = db
    .selectFrom('resourceItems')
    .select(['id', 'title'])
    .where('councilId', '=', councilId)
    .orderBy('title')
  if (ids) {
    const wanted = ids.filter(isUuid)
    if (!wanted.length) return []
    query = query.where('id', 'in', wanted)
  }
  return query.limit(200).execute()
}
