import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'

type Conn = Db | Kysely<Database> | Transaction<Database>

// The SQL of publishing: publications, their versions (a published one is frozen by a trigger),
// providers' challenges and each version's history.

const versionColumns = [
  'v.id',
  'v.publicationId',
  'v.version',
  'v.status',
  'v.changeNote',
  'v.checkDays',
  'v.checkStartedAt',
  'v.checkClosesOn',
  'v.signedOffName',
  'v.publishedAt',
  'v.dataFileName',
  'v.createdAt',
] as const

export const publicationsOf = (db: Conn, councilIds: readonly string[]) =>
  councilIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('publications')
        .selectAll()
        .where('councilId', 'in', councilIds)
        .orderBy('createdAt', 'desc')
        .execute()

export const findPublication = (db: Conn, id: string) =>
  db.selectFrom('publications').selectAll().where('id', '=', id).executeTakeFirst()

export const versionsOf = (db: Conn, publicationIds: readonly string[]) =>
  publicationIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('publicationVersions as v')
        .select(versionColumns)
        .where('v.publicationId', 'in', publicationIds)
        .orderBy('v.version')
        .execute()

export const findVersion = (db: Conn, publicationId: string, version: number) =>
  db
    .selectFrom('publicationVersions as v')
    .select([...versionColumns, 'v.content'])
    .where('v.publicationId', '=', publicationId)
    .where('v.version', '=', version)
    .executeTakeFirst()

// A published version's own data file (grants' 360Giving JSON), with its name and media type.
export const publishedDataFile = (db: Conn, publicationId: string, version: number) =>
  db
    .selectFrom('publicationVersions')
    .select(['dataFile', 'dataFileName', 'dataFileType'])
    .where('publicationId', '=', publicationId)
    .where('version', '=', version)
    .where('status', '=', 'published')
    .where('dataFile', 'is not', null)
    .executeTakeFirst()

export const publishedFile = (
  db: Conn,
  publicationId: string,
  version: number,
  file: 'html' | 'docx' | 'csv',
) =>
  db
    .selectFrom('publicationVersions')
    .select(['version', file])
    .where('publicationId', '=', publicationId)
    .where('version', '=', version)
    .where('status', '=', 'published')
    .executeTakeFirst()

export const challengesOf = (db: Conn, versionId: string) =>
  db
    .selectFrom('publicationChallenges as c')
    .innerJoin('providers as p', 'p.id', 'c.providerId')
    .leftJoin('users as u', 'u.id', 'c.raisedBy')
    .select([
      'c.id',
      'c.providerId',
      'p.name as providerName',
      'c.figure',
      'c.reason',
      'u.displayName as raisedByName',
      'c.raisedAt',
      'c.resolution',
      'c.resolvedAt',
    ])
    .where('c.versionId', '=', versionId)
    .orderBy('c.raisedAt')
    .execute()

export const eventsOf = (db: Conn, versionIds: readonly string[]) =>
  versionIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('publicationEvents as e')
        .innerJoin('publicationVersions as v', 'v.id', 'e.versionId')
        .leftJoin('users as u', 'u.id', 'e.actorUserId')
        .select(['e.id', 'v.version', 'e.kind', 'e.details', 'u.displayName as actorName', 'e.occurredAt'])
        .where('e.versionId', 'in', versionIds)
        .orderBy('e.occurredAt')
        .orderBy('e.id')
        .execute()

export const addEvent = (
  db: Conn,
  event: {
    versionId: string
    kind: string
    details: Record<string, unknown>
    actorUserId: string | null
    occurredAt: Date
  },
) =>
  db
    .insertInto('publicationEvents')
    .values({ ...event, details: JSON.stringify(event.details) })
    .execute()
