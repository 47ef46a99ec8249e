import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import {
  caseAtLocation,
  contactForUpdate,
  contactHistory,
  contactEntityType as entityType,
  insertContact,
  type LocationIdsQuery,
  linkedAlerts,
  locationInScope,
  markFollowUpDone as markDoneInDatabase,
  openAlerts,
  updateContact,
  visibleContacts,
} from './contact-log.repository.ts'
import {
  bannerFor,
  type ContactForm,
  type ContactInput,
  contactVisibleTo,
  mayChangeContact,
  mayReadContactLog,
  mayReadRestricted,
  mayRecordContacts,
  validateContact,
} from './domain/contact-log.rules.ts'

// A contact as every page shows it: what was recorded, with who recorded it and where.
export type ContactSummary = Omit<ContactInput, 'alertIds'> & {
  id: string
  locationId: string
  locationName: string
  organisationId: string
  organisationName: string
  officerName: string
  followUpDoneAt: Date | null
  // The case it was logged from (it belongs to that case whatever its date), or null.
  caseId: string | null
}

export type ContactBanner = { recent: ContactSummary[]; planned: ContactSummary[] }

// The contact log shared by every partner. Every read goes through the location scope and the
// restricted rule; providers never see it. Every change is audited with the record before and after.
export function createContactLogService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function visibleLocation(actor: Actor, locationId: string) {
    if (!mayReadContactLog(actor) || !isUuid(locationId)) return null
    return (await locationInScope(db, actor, locationId)) ?? null
  }

  // What the "record a contact" form needs: the location and its open alerts to link.
  async function formFor(actor: Actor, locationId: string) {
    if (!mayRecordContacts(actor)) return null
    const location = await visibleLocation(actor, locationId)
    if (!location) return null
    return { location, alerts: await openAlerts(db, location.id), mayRestrict: mayReadRestricted(actor) }
  }

  // A contact logged from a case's page names the case (`from.caseId`): it must be a case at that
  // location, or the contact is not saved (a 404, as for a location out of scope).
  async function create(
    actor: Actor,
    locationId: string,
    form: ContactForm,
    from: { caseId?: string | null } = {},
  ): Promise<Outcome<{ id: string }> | null> {
    const context = await formFor(actor, locationId)
    if (!context) return null
    const caseId = from.caseId ?? null
    if (caseId !== null && !(isUuid(caseId) && (await caseAtLocation(db, locationId, caseId)))) return null
    const now = clock.now()
    const checked = validateContact(form, {
      actor,
      now,
      isNew: true,
      openAlertIds: context.alerts.map((a) => a.id),
    })
    if (!checked.ok) return checked
    const { alertIds, ...input } = checked.value
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertContact(
        trx,
        {
          locationId,
          organisationId: actor.organisationId,
          officerUserId: actor.userId,
          ...input,
          caseId,
          followUpDoneAt: null,
          createdAt: now,
          updatedAt: now,
        },
        alertIds,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactLogged,
        entityType,
        entityId: id,
        after: { ...checked.value, locationId, caseId },
        occurredAt: now,
      })
      return id
    })
    return { ok: true, value: { id } }
  }

  async function findVisible(actor: Actor, contactId: string) {
    if (!mayReadContactLog(actor) || !isUuid(contactId)) return null
    const contact = await visibleContacts(db, actor)
      .where('contactLogEntries.id', '=', contactId)
      .executeTakeFirst()
    return contact && contactVisibleTo(actor, contact) ? (contact as ContactSummary) : null
  }

  // One contact with its linked alerts and its history of changes (from the audit trail).
  async function get(actor: Actor, contactId: string) {
    const contact = await findVisible(actor, contactId)
    if (!contact) return null
    const history = await contactHistory(db, contactId)
    return {
      contact,
      alerts: await linkedAlerts(db, contactId),
      history,
      mayChange: mayChangeContact(actor, contact),
    }
  }

  // The form to change a contact: its location's open alerts plus any it is already linked to.
  async function editFormFor(actor: Actor, contactId: string) {
    const contact = await findVisible(actor, contactId)
    if (!contact || !mayChangeContact(actor, contact)) return null
    const open = await openAlerts(db, contact.locationId)
    const linked = await linkedAlerts(db, contactId)
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
  ): Promise<Outcome<{ id: string; locationId: string }> | null> {
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
    const { alertIds, ...input } = checked.value
    await db.transaction().execute(async (trx) => {
      const before = await contactForUpdate(trx, contactId)
      await updateContact(
        trx,
        contactId,
        {
          ...input,
          // A new follow-up date is a new follow-up; otherwise one already done stays done.
          followUpDoneAt: input.followUpOn === before.followUpOn ? before.followUpDoneAt : null,
          updatedAt: now,
        },
        alertIds,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.contactChanged,
        entityType,
        entityId: contactId,
        before: { ...before, alertIds: context.linkedIds },
        after: { ...checked.value, locationId: before.locationId },
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
      if (!(await markDoneInDatabase(trx, contactId, now))) return
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
    const rows = await visibleContacts(db, actor)
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
    const rows = (await visibleContacts(db, actor)
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
    const rows = (await visibleContacts(db, actor)
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
    locationIds?: LocationIdsQuery,
    batchSize = 500,
  ): AsyncGenerator<ContactSummary[]> {
    if (!mayReadContactLog(actor)) return
    let after = '00000000-0000-0000-0000-000000000000'
    for (;;) {
      const batch = (await visibleContacts(db, actor)
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
