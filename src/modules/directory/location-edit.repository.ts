import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import type { ContactDetails, LocationDetails } from './directory.schemas.ts'

// The SQL behind an officer's changes to locations and their named contacts. Each function takes the
// database or the transaction of the change first; who may make the change is the service's question.

export function locationInScope(db: DbOrTransaction, scope: Scope, id: string) {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('id', '=', id)
    .where(locationVisible(scope))
    .executeTakeFirst()
}

export async function cqcLocationIdInUse(db: DbOrTransaction, cqcLocationId: string): Promise<boolean> {
  const found = await db
    .selectFrom('locations')
    .select('id')
    .where('cqcLocationId', '=', cqcLocationId)
    .executeTakeFirst()
  return found !== undefined
}

// A location an officer adds, with its own provider, its council (unless out of area) and its first
// status: open from today.
export async function insertLocation(
  trx: DbOrTransaction,
  details: LocationDetails,
  council: { id: string; name: string },
  by: { userId: string; now: Date },
) {
  const { now } = by
  const provider = await trx
    .insertInto('providers')
    .values({
      name: details.providerName,
      cqcProviderId: null,
      companiesHouseNumber: null,
      ownership: null,
      createdAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const row = await trx
    .insertInto('locations')
    .values({
      providerId: provider.id,
      cqcLocationId: details.cqcLocationId,
      odsCode: null,
      name: details.name,
      addressLine1: details.addressLine1,
      addressLine2: null,
      town: details.town,
      postcode: details.postcode,
      councilId: details.outOfArea ? null : council.id,
      localAuthorityName: details.outOfArea ? null : council.name,
      area: details.area,
      serviceType: details.serviceType,
      registeredBeds: details.registeredBeds,
      peopleSupported: details.peopleSupported,
      cqcRating: null,
      cqcRatingDate: null,
      registrationStart: null,
      registrationEnd: null,
      bcpReviewedOn: details.bcpReviewedOn,
      nhsmail: details.nhsmail,
      lastImportId: null,
      createdAt: now,
      updatedAt: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('locationStatusEvents')
    .values({
      locationId: row.id,
      status: 'open',
      effectiveFrom: now.toISOString().slice(0, 10),
      source: 'officer',
      importId: null,
      recordedBy: by.userId,
      recordedAt: now,
    })
    .execute()
  return row
}

export async function councilName(db: DbOrTransaction, councilId: string): Promise<string> {
  const council = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', councilId)
    .executeTakeFirstOrThrow()
  return council.name
}

// The facts an officer keeps on a location (the CQC's own are the import's).
export type OfficerFacts = Omit<
  LocationDetails,
  'providerName' | 'cqcLocationId' | 'contracted' | 'outOfArea'
>

export async function updateLocationFacts(db: DbOrTransaction, id: string, facts: OfficerFacts, now: Date) {
  await db
    .updateTable('locations')
    .set({ ...facts, updatedAt: now })
    .where('id', '=', id)
    .execute()
}

// Whether any of `councilIds` contracts with the location.
export async function isContracted(
  db: DbOrTransaction,
  locationId: string,
  councilIds: readonly string[],
): Promise<boolean> {
  if (councilIds.length === 0) return false
  const found = await db
    .selectFrom('councilContracts')
    .select('councilId')
    .where('locationId', '=', locationId)
    .where('councilId', 'in', councilIds)
    .executeTakeFirst()
  return found !== undefined
}

export async function addContract(db: DbOrTransaction, councilId: string, locationId: string, now: Date) {
  await db.insertInto('councilContracts').values({ councilId, locationId, createdAt: now }).execute()
}

export async function removeContract(db: DbOrTransaction, councilId: string, locationId: string) {
  await db
    .deleteFrom('councilContracts')
    .where('councilId', '=', councilId)
    .where('locationId', '=', locationId)
    .execute()
}

export function insertContact(db: DbOrTransaction, locationId: string, contact: ContactDetails, now: Date) {
  return db
    .insertInto('locationContacts')
    .values({ locationId, ...contact, createdAt: now, updatedAt: now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function deleteContact(db: DbOrTransaction, locationId: string, contactId: string) {
  return db
    .deleteFrom('locationContacts')
    .where('id', '=', contactId)
    .where('locationId', '=', locationId)
    .returningAll()
    .executeTakeFirst()
}
