import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { ContactCategory } from '../../domain/contact-categories.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { type EnquiryStatus, mayReadEnquiries } from './domain/enquiry.rules.ts'

// The enquiries' SQL. Each function takes the database or the caller's transaction first; the service
// decides who may do what and which transaction it runs in.

// Enquiries the actor may read.
export function visibleEnquiries(db: DbOrTransaction, actor: Actor) {
  return db.selectFrom('enquiries').where((eb) => {
    if (actor.role === 'provider_manager')
      return actor.providerId ? eb('enquiries.providerId', '=', actor.providerId) : eb.val(false)
    if (!mayReadEnquiries(actor)) return eb.val(false)
    if (actor.organisationKind === 'region') return eb.val(true)
    return actor.councilIds.length ? eb('enquiries.councilId', 'in', actor.councilIds) : eb.val(false)
  })
}

// An enquiry's list columns, for the list, a location's enquiries and the enquiry page.
export function enquiryColumns(db: DbOrTransaction, actor: Actor) {
  return visibleEnquiries(db, actor)
    .leftJoin('locations', 'locations.id', 'enquiries.locationId')
    .leftJoin('providers', 'providers.id', 'enquiries.providerId')
    .leftJoin('users as owner', 'owner.id', 'enquiries.ownerUserId')
    .select([
      'enquiries.id',
      'enquiries.reference',
      'enquiries.locationId',
      'locations.name as locationName',
      'providers.name as providerName',
      'enquiries.channel',
      'enquiries.category',
      'enquiries.question',
      'enquiries.status',
      'enquiries.receivedAt',
      'enquiries.dueAt',
      'enquiries.respondedAt',
      'owner.displayName as ownerName',
    ])
}

// Open ones first, soonest due first; then the rest, newest first.
export function inListOrder<Q extends ReturnType<typeof enquiryColumns>>(query: Q) {
  return query
    .orderBy(sql`case when enquiries.status in ('new', 'in_progress') then 0 else 1 end`)
    .orderBy(sql`case when enquiries.status in ('new', 'in_progress') then enquiries.due_at end`, 'asc')
    .orderBy('enquiries.receivedAt', 'desc')
    .orderBy('enquiries.id')
}

// One enquiry the actor may read, with what its page and its changes need; undefined when it may not.
export function findEnquiry(db: DbOrTransaction, actor: Actor, id: string) {
  return enquiryColumns(db, actor)
    .leftJoin('users as asker', 'asker.id', 'enquiries.askedByUserId')
    .leftJoin('users as responder', 'responder.id', 'enquiries.respondedBy')
    .select([
      'enquiries.councilId',
      'enquiries.askedByName',
      'enquiries.askedByUserId',
      'asker.displayName as askerName',
      'asker.email as askerEmail',
      'enquiries.ownerUserId',
      'enquiries.response',
      'responder.displayName as responderName',
      'enquiries.closedAt',
    ])
    .where('enquiries.id', '=', id)
    .executeTakeFirst()
}

export function enquiryEvents(db: DbOrTransaction, enquiryId: string) {
  return db
    .selectFrom('enquiryEvents')
    .leftJoin('users', 'users.id', 'enquiryEvents.actorUserId')
    .select([
      'enquiryEvents.id',
      'enquiryEvents.kind',
      'enquiryEvents.details',
      'enquiryEvents.occurredAt',
      'users.displayName as actorName',
    ])
    .where('enquiryEvents.enquiryId', '=', enquiryId)
    .orderBy('enquiryEvents.id')
    .execute()
}

// A line of an enquiry's working history.
export async function addEnquiryEvent(
  trx: DbOrTransaction,
  event: { enquiryId: string; kind: string; details: object; actorUserId: string; occurredAt: Date },
) {
  await trx
    .insertInto('enquiryEvents')
    .values({ ...event, details: JSON.stringify(event.details) })
    .execute()
}

// The council's officers who may own its enquiries.
export function enquiryOwners(db: DbOrTransaction, councilId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'displayName'])
    .where('organisationId', '=', councilId)
    .where('role', 'in', ['admin', 'council_officer'])
    .where('status', '=', 'active')
    .orderBy('displayName')
    .execute()
}

// The council a location's enquiries go to: the council whose area it is in, or the first that
// contracts it.
export async function councilOfLocation(db: DbOrTransaction, locationId: string): Promise<string | null> {
  const location = await db
    .selectFrom('locations')
    .select('councilId')
    .where('id', '=', locationId)
    .executeTakeFirst()
  if (location?.councilId) return location.councilId
  const contract = await db
    .selectFrom('councilContracts')
    .select('councilId')
    .where('locationId', '=', locationId)
    .orderBy('createdAt')
    .executeTakeFirst()
  return contract?.councilId ?? null
}

// The open locations in the actor's scope, by name (a provider manager's, to ask about one).
export function openLocationsInScope(db: DbOrTransaction, actor: Actor) {
  return db
    .selectFrom('locations')
    .select(['locations.id', 'locations.name'])
    .where(locationVisible(locationScope(actor)))
    .where('locations.status', '=', 'open')
    .orderBy('locations.name')
    .execute()
}

export function locationInScope(db: DbOrTransaction, actor: Actor, locationId: string) {
  return db
    .selectFrom('locations')
    .select(['locations.id', 'locations.name', 'locations.providerId'])
    .where(locationVisible(locationScope(actor)))
    .where('locations.id', '=', locationId)
    .executeTakeFirst()
}

export type NewEnquiry = {
  councilId: string
  locationId: string
  providerId: string
  channel: 'web' | 'phone' | 'email'
  category: ContactCategory
  question: string
  askedByUserId: string | null
  askedByName: string | null
  receivedAt: Date
}

export function insertEnquiry(trx: DbOrTransaction, values: NewEnquiry, dueAt: Date, now: Date) {
  return trx
    .insertInto('enquiries')
    .values({
      ...values,
      status: 'new',
      ownerUserId: null,
      response: null,
      respondedAt: null,
      respondedBy: null,
      dueAt,
      closedAt: null,
      updatedAt: now,
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow()
}

export async function updateEnquiry(
  trx: DbOrTransaction,
  id: string,
  values: {
    response?: string
    respondedAt?: Date
    respondedBy?: string
    status: EnquiryStatus
    ownerUserId: string | null
    closedAt?: Date | null
    updatedAt: Date
  },
) {
  await trx.updateTable('enquiries').set(values).where('id', '=', id).execute()
}
