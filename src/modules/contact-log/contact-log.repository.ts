import type { Insertable, SelectQueryBuilder } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { mayReadRestricted } from './domain/contact-log.rules.ts'

// The contact log's SQL. Each function takes the database or the caller's transaction first; the
// service decides who may do what and which transaction it runs in.

export const contactEntityType = 'contact-log-entry'

// Contacts the actor may see: of locations in scope, restricted ones only for council users.
export function visibleContacts(db: DbOrTransaction, actor: Actor) {
  return db
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
      'contactLogEntries.caseId',
    ])
}

// A case at the location (any status): the case a contact is logged from. Undefined when it is not.
export function caseAtLocation(db: DbOrTransaction, locationId: string, caseId: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'status'])
    .where('id', '=', caseId)
    .where('locationId', '=', locationId)
    .executeTakeFirst()
}

// A location in the actor's scope, with its provider; undefined when it is not.
export function locationInScope(db: DbOrTransaction, actor: Actor, locationId: string) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .select(['locations.id', 'locations.name', 'locations.providerId', 'providers.name as providerName'])
    .where(locationVisible(locationScope(actor)))
    .where('locations.id', '=', locationId)
    .executeTakeFirst()
}

export function openAlerts(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('alerts')
    .select(['id', 'title', 'severity', 'message', 'raisedAt'])
    .where('locationId', '=', locationId)
    .where('status', '=', 'open')
    .orderBy('raisedAt', 'desc')
    .execute()
}

export function linkedAlerts(db: DbOrTransaction, contactId: string) {
  return db
    .selectFrom('contactLogAlerts')
    .innerJoin('alerts', 'alerts.id', 'contactLogAlerts.alertId')
    .select(['alerts.id', 'alerts.title', 'alerts.severity', 'alerts.status'])
    .where('contactLogAlerts.contactId', '=', contactId)
    .orderBy('alerts.raisedAt', 'desc')
    .execute()
}

// A contact's changes, from the audit trail, oldest first.
export function contactHistory(db: DbOrTransaction, contactId: string) {
  return db
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
    .where('auditEvents.entityType', '=', contactEntityType)
    .where('auditEvents.entityId', '=', contactId)
    .orderBy('auditEvents.id', 'asc')
    .execute()
}

type ContactValues = Omit<Insertable<Database['contactLogEntries']>, 'id'>

export async function insertContact(
  trx: DbOrTransaction,
  values: ContactValues,
  alertIds: readonly string[],
) {
  const row = await trx
    .insertInto('contactLogEntries')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow()
  await linkAlerts(trx, row.id, alertIds)
  return row.id
}

async function linkAlerts(trx: DbOrTransaction, contactId: string, alertIds: readonly string[]) {
  if (alertIds.length)
    await trx
      .insertInto('contactLogAlerts')
      .values(alertIds.map((alertId) => ({ contactId, alertId })))
      .execute()
}

// The stored row, locked until the transaction ends: the "before" of a change.
export function contactForUpdate(trx: DbOrTransaction, contactId: string) {
  return trx
    .selectFrom('contactLogEntries')
    .selectAll()
    .where('id', '=', contactId)
    .forUpdate()
    .executeTakeFirstOrThrow()
}

export async function updateContact(
  trx: DbOrTransaction,
  contactId: string,
  values: Partial<ContactValues>,
  alertIds: readonly string[],
) {
  await trx.updateTable('contactLogEntries').set(values).where('id', '=', contactId).execute()
  await trx.deleteFrom('contactLogAlerts').where('contactId', '=', contactId).execute()
  await linkAlerts(trx, contactId, alertIds)
}

// Marks the follow-up done unless someone already has: whether this call did.
export async function markFollowUpDone(trx: DbOrTransaction, contactId: string, now: Date): Promise<boolean> {
  const changed = await trx
    .updateTable('contactLogEntries')
    .set({ followUpDoneAt: now, updatedAt: now })
    .where('id', '=', contactId)
    .where('followUpDoneAt', 'is', null)
    .executeTakeFirst()
  return Number(changed.numUpdatedRows) > 0
}

// The ids of the locations an export is narrowed to, as a subquery built on the export's connection.
export type LocationIdsQuery = (db: Db) => SelectQueryBuilder<Database, keyof Database, { id: string }>
