import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import type { Feedback, LicenceRow, Uptake } from './domain/training.rules.ts'
import type { TrainingKind } from './training.tables.ts'

type Conn = Db | Kysely<Database> | Transaction<Database>

// The SQL of training: offers, uptake (a row per change), licence imports and feedback forms.

export const offersOf = (db: Conn, councilIds: readonly string[]) =>
  councilIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('trainingOffers')
        .select([
          'id',
          'councilId',
          'kind',
          'title',
          'deliveredBy',
          'startsOn',
          'endsOn',
          'capacity',
          'costPence',
        ])
        .where('councilId', 'in', councilIds)
        .orderBy('startsOn')
        .orderBy('title')
        .execute()

export const findOffer = (db: Conn, councilIds: readonly string[], id: string) =>
  councilIds.length === 0
    ? Promise.resolve(undefined)
    : db
        .selectFrom('trainingOffers')
        .selectAll()
        .where('id', '=', id)
        .where('councilId', 'in', councilIds)
        .executeTakeFirst()

// Each provider's status for each offer as it stood at `at` (its latest change recorded by then).
export function uptakeAt(
  db: Conn,
  where: { councilId: string; kinds?: readonly TrainingKind[]; offerId?: string },
  at: Date,
) {
  let query = db
    .selectFrom('trainingUptake as u')
    .innerJoin('trainingOffers as o', 'o.id', 'u.offerId')
    .innerJoin('providers as p', 'p.id', 'u.providerId')
    .distinctOn(['u.offerId', 'u.providerId'])
    .select([
      'u.offerId',
      'u.providerId',
      'p.name as providerName',
      'o.title as offerTitle',
      'o.kind',
      'u.status',
      'u.declineReason',
      'u.attendees',
      'u.recordedAt',
    ])
    .where('o.councilId', '=', where.councilId)
    .where('u.recordedAt', '<=', at)
  if (where.kinds) query = query.where('o.kind', 'in', where.kinds)
  if (where.offerId) query = query.where('u.offerId', '=', where.offerId)
  return query
    .orderBy('u.offerId')
    .orderBy('u.providerId')
    .orderBy('u.recordedAt', 'desc')
    .orderBy('u.id', 'desc')
    .execute()
}

// Providers with a location in the council's area, for the uptake form.
export const providersOf = (db: Conn, councilId: string) =>
  db
    .selectFrom('providers')
    .select(['providers.id', 'providers.name'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('locations')
          .select('locations.id')
          .whereRef('locations.providerId', '=', 'providers.id')
          .where('locations.councilId', '=', councilId),
      ),
    )
    .orderBy('providers.name')
    .execute()

export const insertUptake = (
  db: Conn,
  offerId: string,
  uptake: Uptake,
  recordedBy: string | null,
  at: Date,
) =>
  db
    .insertInto('trainingUptake')
    .values({ offerId, ...uptake, recordedBy, recordedAt: at })
    .returning('id')
    .executeTakeFirstOrThrow()

export const insertFeedback = (
  db: Conn,
  offerId: string,
  feedback: Feedback,
  recordedBy: string | null,
  at: Date,
) =>
  db
    .insertInto('trainingFeedback')
    .values({ offerId, providerId: null, ...feedback, recordedBy, recordedAt: at })
    .returning('id')
    .executeTakeFirstOrThrow()

export function feedbackAt(db: Conn, where: { councilId: string; offerId?: string }, at: Date) {
  let query = db
    .selectFrom('trainingFeedback as f')
    .innerJoin('trainingOffers as o', 'o.id', 'f.offerId')
    .select([
      'f.id',
      'o.title as offerTitle',
      'f.trainerKnowledge',
      'f.responsive',
      'f.knowledgeIncreased',
      'f.recordedAt',
    ])
    .where('o.councilId', '=', where.councilId)
    .where('f.recordedAt', '<=', at)
  if (where.offerId) query = query.where('f.offerId', '=', where.offerId)
  return query.orderBy('f.recordedAt').orderBy('f.id').execute()
}

// Licences and courses: each e-learning offer's latest import by `at`, its rows.
export async function licencesAt(db: Conn, where: { councilId: string; offerId?: string }, at: Date) {
  let latest = db
    .selectFrom('trainingLicenceImports')
    .distinctOn('offerId')
    .select(['id', 'offerId', 'importedAt', 'fileName'])
    .where('councilId', '=', where.councilId)
    .where('importedAt', '<=', at)
  if (where.offerId) latest = latest.where('offerId', '=', where.offerId)
  const imports = await latest
    .orderBy('offerId')
    .orderBy('importedAt', 'desc')
    .orderBy('id', 'desc')
    .execute()
  if (imports.length === 0) return { imports, rows: [] }
  const rows = await db
    .selectFrom('trainingLicences as l')
    .leftJoin('providers as p', 'p.id', 'l.providerId')
    .select(['l.importId', 'l.organisationName', 'p.name as providerName', 'l.licences', 'l.coursesTaken'])
    .where(
      'l.importId',
      'in',
      imports.map((i) => i.id),
    )
    .orderBy('l.organisationName')
    .execute()
  return { imports, rows }
}

// The providers whose names the platform's organisations match (case aside), for linking rows.
export async function providersNamed(db: Conn, names: readonly string[]) {
  if (names.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('providers')
    .select(['id', 'name'])
    .where((eb) =>
      eb(
        eb.fn('lower', ['name']),
        'in',
        names.map((n) => n.toLowerCase()),
      ),
    )
    .execute()
  return new Map(rows.map((r) => [r.name.toLowerCase(), r.id]))
}

export async function insertLicenceImport(
  db: Conn,
  values: {
    councilId: string
    offerId: string
    fileName: string
    importedBy: string | null
    importedAt: Date
  },
  rows: readonly (LicenceRow & { providerId: string | null })[],
) {
  const { id } = await db
    .insertInto('trainingLicenceImports')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('trainingLicences')
    .values(rows.map((r) => ({ importId: id, ...r })))
    .execute()
  return id
}
