import type { SelectQueryBuilder } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import {
  bannerFor,
  type ContactForm,
  type ContactInput,
  type ContactState,
  contactVisibleTo,
  mayChangeContact,
  mayReadContactLog,
  mayReadRestricted,
  mayRecordContacts,
  type Validated,
  validateContact,
} from '../../domain/contact-log/contact-log.rules.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'

export type ContactSummary = {
  id: string
  locationId: string
  locationName: string
  organisationId: string
  organisationName: string
  officerName: string
  method: ContactInput['method']
  direction: ContactInput['direction']
  category: ContactInput['category']
  state: ContactState
  contactAt: Date
  spokeTo: string | null
  summary: string
  actionsAgreed: string | null
  followUpOn: string | null
  followUpDoneAt: Date | null
  restricted: boolean
}

export type ContactBanner = { recent: ContactSummary[]; planned: ContactSummary[] }

const entityType = 'contact-log-entry'

// The contact log shared by every partner. Every read goes through the location scope and the
// restricted rule; providers never see it. Every change is audited with the record before and after.
export function createContactLogService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // Contacts the actor may see: of locations in scope, restricted ones only for council users.
  function visibleContacts(actor: Actor, trx: DbOrTransaction = db) {
    return trx
      .selectFrom('contactLogEntries')
      .innerJoin('locations', 'locations.id', 'contactLogEntries.locationId')
      .innerJoin('organisations', 'organisations.id', 'contactLogEntries.organisationId')
      .innerJoin('users as officer', 'officer.id', 'contactLogEntries.officerUserId')
      .where(locationVisible(locationScope(actor)))
      .$if(!mayReadRestricted(actor), (q) => q.where('contactLogEntries.restricted', '=', false))
      .select([
        'contactLogEntries.id',
        'contactLogEntries.locationId',
        'locations.name as locationName',
        'contactLogEntries.organisationId',
        'organisations.name as organisationName',
        'officer.displayName as officerName',
        'contactLogEntries.method',
        'contactLogEntries.direction',
        'contactLogEntries.category',
        'contactLogEntries.state',
        'contactLogEntries.contactAt',
        'contactLogEntries.spokeTo',
        'contactLogEntries.summary',
        'contactLogEntries.actionsAgreed',
        'contactLogEntries.followUpOn',
        'contactLogEntries.followUpDoneAt',
        'contactLogEntries.restricted',
      ])
  }

  async function visibleLocation(actor: Actor, locationId: string) {
    if (!mayReadContactLog(actor) || !isUuid(locationId)) return null
    return (
      (await db
        .selectFrom('locations')
        .innerJoin('providers', 'providers.id', 'locations.providerId')
        .select(['locations.id', 'locations.name', 'locations.providerId', 'providers.name as providerName'])
        .where(locationVisible(locationScope(actor)))
        .where('locations.id', '=', locationId)
        .executeTakeFirst()) ?? null
    )
  }

  async function openAlerts(locationId: string, trx: DbOrTransaction = db) {
    return trx
      .selectFrom('alerts')
      .select(['id', 'title', 'severity', 'message', 'raisedAt'])
      .where('locationId', '=', locationId)
      .where('status', '=', 'open')
      .orderBy('raisedAt', 'desc')
      .execute()
  }

  // What the "record a contact" form needs: the location and its open alerts to link.
  async function formFor(actor: Actor, locationId: string) {
    if (!mayRecordContacts(actor)) return null
    const location = await visibleLocation(actor, locationId)
    if (!location) return null
    return { location, alerts: await openAlerts(location.id), mayRestrict: mayReadRestricted(actor) }
  }

  async function create(
    actor: Actor,
    locationId: string,
    form: ContactForm,
  ): Promise<Validated<{ id: string }> | null> {
    const context = await formFor(actor, locationId)
    if (!context) return null
    const now = clock.now()
    const checked = validateContact(form, {
      actor,
      now,
      isNew: true,
      openAlertIds: context.alerts.map((a) => a.id),
    })
    if (!checked.ok) return checked
    const input = checked.value
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('contactLogEntries')
        .values({
          locationId,
          organisationId: actor.organisationId,
          officerUserId: actor.userId,
          spokeTo: input.spokeTo,
          method: input.method,
          direction: input.direction,
          category: input.category,
          state: input.state,
          contactAt: input.contactAt,
          summary: input.summary,
          actionsAgreed: input.actionsAgreed,
          followUpOn: input.followUpOn,
          followUpDoneAt: null,
          restricted: input.restricted,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (input.alertIds.length)
        await trx
          .insertInto('contactLogAlerts')
          .values(input.alertIds.map((alertId) => ({ contactId: row.id, alertId })))
          .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactLogged,
        entityType,
        entityId: row.id,
        after: { ...input, locationId },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  async function findVisible(actor: Actor, contactId: string, trx: DbOrTransaction = db) {
    if (!mayReadContactLog(actor) || !isUuid(contactId)) return null
    const contact = await visibleContacts(actor, trx)
      .where('contactLogEntries.id', '=', contactId)
      .executeTakeFirst()
    return contact && contactVisibleTo(actor, contact) ? (contact as ContactSummary) : null
  }

  async function linkedAlerts(contactId: string) {
    return db
      .selectFrom('contactLogAlerts')
      .innerJoin('alerts', 'alerts.id', 'contactLogAlerts.alertId')
      .select(['alerts.id', 'alerts.title', 'alerts.severity', 'alerts.status'])
      .where('contactLogAlerts.contactId', '=', contactId)
      .orderBy('alerts.raisedAt', 'desc')
      .execute()
  }

  // One contact with its linked alerts and its history of changes (from the audit trail).
  async function get(actor: Actor, contactId: string) {
    const contact = await findVisible(actor, contactId)
    if (!contact) return null
    const history = await db
      .selectFrom('auditEvents')
      .leftJoin('users', 'users.id', 'auditEvents.actorUserId')
      .select([
        'auditEvents.id',
        'auditEvents.action',
        'auditEvents.before',
        'auditEvents.after',
        'auditEvents.occurredAt',
        'users.displayName as actorName',
      ])
      .where('auditEvents.entityType', '=', entityType)
      .where('auditEvents.entityId', '=', contactId)
      .orderBy('auditEvents.id', 'asc')
      .execute()
    return {
      contact,
      alerts: await linkedAlerts(contactId),
      history,
      mayChange: mayChangeContact(actor, contact),
    }
  }

  // The form to change a contact: its location's open alerts plus any it is already linked to.
  async function editFormFor(actor: Actor, contactId: string) {
    const contact = await findVisible(actor, contactId)
    if (!contact || !mayChangeContact(actor, contact)) return null
    const open = await openAlerts(contact.locationId)
    const linked = await linkedAlerts(contactId)
    const alerts = [
      ...open,
      ...linked
        .filter((l) => !open.some((o) => o.id === l.id))
        .map((l) => ({ ...l, message: '', raisedAt: new Date(0) })),
    ]
    return { contact, alerts, linkedIds: linked.map((l) => l.id), mayRestrict: mayReadRestricted(actor) }
  }

  async function update(
    actor: Actor,
    contactId: string,
    form: ContactForm,
  ): Promise<Validated<{ id: string; locationId: string }> | null> {
    const context = await editFormFor(actor, contactId)
    if (!context) return null
    const now = clock.now()
    const checked = validateContact(form, {
      actor,
      now,
      isNew: false,
      openAlertIds: context.alerts.map((a) => a.id),
    })
    if (!checked.ok) return checked
    const input = checked.value
    await db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('contactLogEntries')
        .selectAll()
        .where('id', '=', contactId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      await trx
        .updateTable('contactLogEntries')
        .set({
          spokeTo: input.spokeTo,
          method: input.method,
          direction: input.direction,
          category: input.category,
          state: input.state,
          contactAt: input.contactAt,
          summary: input.summary,
          actionsAgreed: input.actionsAgreed,
          followUpOn: input.followUpOn,
          // A new follow-up date is a new follow-up; otherwise one already done stays done.
          followUpDoneAt: input.followUpOn === before.followUpOn ? before.followUpDoneAt : null,
          restricted: input.restricted,
          updatedAt: now,
        })
        .where('id', '=', contactId)
        .execute()
      await trx.deleteFrom('contactLogAlerts').where('contactId', '=', contactId).execute()
      if (input.alertIds.length)
        await trx
          .insertInto('contactLogAlerts')
          .values(input.alertIds.map((alertId) => ({ contactId, alertId })))
          .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactChanged,
        entityType,
        entityId: contactId,
        before: { ...before, alertIds: context.linkedIds },
        after: { ...input, locationId: before.locationId },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id: contactId, locationId: context.contact.locationId } }
  }

  async function markFollowUpDone(actor: Actor, contactId: string): Promise<boolean> {
    const contact = await findVisible(actor, contactId)
    if (!contact || !mayChangeContact(actor, contact)) return false
    if (!contact.followUpOn || contact.followUpDoneAt) return true
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('contactLogEntries')
        .set({ followUpDoneAt: now, updatedAt: now })
        .where('id', '=', contactId)
        .where('followUpDoneAt', 'is', null)
        .executeTakeFirst()
      if (Number(changed.numUpdatedRows) === 0) return
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactFollowUpDone,
        entityType,
        entityId: contactId,
        before: { followUpOn: contact.followUpOn, followUpDoneAt: null },
        after: { followUpOn: contact.followUpOn, followUpDoneAt: now },
        occurredAt: now,
      })
    })
    return true
  }

  // Every contact with a location the actor may see, newest first; null when the location is not theirs.
  async function listForLocation(actor: Actor, locationId: string): Promise<ContactSummary[] | null> {
    const location = await visibleLocation(actor, locationId)
    if (!location) return null
    const rows = await visibleContacts(actor)
      .where('contactLogEntries.locationId', '=', locationId)
      .orderBy('contactLogEntries.contactAt', 'desc')
      .orderBy('contactLogEntries.id')
      .execute()
    return rows as ContactSummary[]
  }

  // The banner for many locations at once (a list page): one query.
  async function recentForLocations(
    actor: Actor,
    locationIds: readonly string[],
  ): Promise<Map<string, ContactBanner>> {
    const result = new Map<string, ContactBanner>()
    const ids = locationIds.filter(isUuid)
    if (!mayReadContactLog(actor) || ids.length === 0) return result
    const now = clock.now()
    const today = londonDate(now)
    const since = londonInstant(addDaysToIsoDate(today, -7))
    const rows = (await visibleContacts(actor)
      .where('contactLogEntries.locationId', 'in', ids)
      .where('contactLogEntries.state', 'in', ['planned', 'done'])
      .where('contactLogEntries.contactAt', '>=', since)
      .execute()) as ContactSummary[]
    const byLocation = new Map<string, ContactSummary[]>()
    for (const row of rows) byLocation.set(row.locationId, [...(byLocation.get(row.locationId) ?? []), row])
    for (const [locationId, contacts] of byLocation) {
      const banner = bannerFor(contacts, now)
      if (banner.recent.length || banner.planned.length) result.set(locationId, banner)
    }
    return result
  }

  async function recentForLocation(actor: Actor, locationId: string): Promise<ContactBanner | null> {
    if (!(await visibleLocation(actor, locationId))) return null
    return (await recentForLocations(actor, [locationId])).get(locationId) ?? { recent: [], planned: [] }
  }

  // Follow-ups on or before today not yet done, recorded by the actor's organisation; the actor's own first.
  async function followUpsDue(actor: Actor) {
    if (!mayRecordContacts(actor)) return []
    const today = londonDate(clock.now())
    const rows = (await visibleContacts(actor)
      .where('contactLogEntries.organisationId', '=', actor.organisationId)
      .where('contactLogEntries.followUpOn', '<=', today)
      .where('contactLogEntries.followUpDoneAt', 'is', null)
      .where('contactLogEntries.state', '<>', 'cancelled')
      .select('contactLogEntries.officerUserId')
      .orderBy('contactLogEntries.followUpOn')
      .orderBy('contactLogEntries.id')
      .limit(500)
      .execute()) as (ContactSummary & { officerUserId: string })[]
    return rows
      .map((r) => ({ ...r, mine: r.officerUserId === actor.userId, overdue: r.followUpOn! < today }))
      .sort((a, b) => Number(b.mine) - Number(a.mine))
  }

  // Contacts for an export, in keyset batches so a large log streams in bounded memory. The same
  // visibility as every other read (scope, restricted for council users only); `locationIds` narrows it
  // to the locations a screen's filters chose. Contacts at or after `from` and before the day after `to`.
  async function* exportBatches(
    actor: Actor,
    range: { from: Date; toExclusive: Date },
    locationIds?: (db: Db) => SelectQueryBuilder<Database, keyof Database, { id: string }>,
    batchSize = 500,
  ): AsyncGenerator<ContactSummary[]> {
    if (!mayReadContactLog(actor)) return
    let after = '00000000-0000-0000-0000-000000000000'
    for (;;) {
      const batch = (await visibleContacts(actor)
        .$if(Boolean(locationIds), (q) => q.where('contactLogEntries.locationId', 'in', locationIds!(db)))
        .where('contactLogEntries.contactAt', '>=', range.from)
        .where('contactLogEntries.contactAt', '<', range.toExclusive)
        .where('contactLogEntries.id', '>', after)
        .orderBy('contactLogEntries.id')
        .limit(batchSize)
        .execute()) as ContactSummary[]
      if (batch.length === 0) return
      yield batch
      after = batch[batch.length - 1]!.id
      if (batch.length < batchSize) return
    }
  }

  return {
    now: () => clock.now(),
    exportBatches,
    locationFor: visibleLocation,
    formFor,
    create,
    get,
    editFormFor,
    update,
    markFollowUpDone,
    listForLocation,
    recentForLocation,
    recentForLocations,
    followUpsDue,
  }
}

export type ContactLogService = ReturnType<typeof createContactLogService>
