import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { PpeRequestStatus } from './ppe-supply.tables.ts'

// Requests' SQL: who may see which is decided by the service; these take the councils or provider.

export const requestColumns = [
  'r.id',
  'r.reference',
  'r.councilId',
  'r.locationId',
  'r.providerId',
  'r.channel',
  'r.status',
  'r.hasCases',
  'r.outbreak',
  'r.rag',
  'r.priority',
  'r.priorityReasons',
  'r.targetHours',
  'r.notes',
  'r.requestedAt',
  'r.decidedAt',
  'r.partApproved',
  'r.declineReason',
  'r.storeId',
  'r.pickedAt',
  'r.dispatchedAt',
  'r.deliveredAt',
  'r.receivedBy',
  'l.name as locationName',
] as const

export type RequestScope = { councilIds?: readonly string[]; providerId?: string; locationId?: string }

export async function requestsIn(
  db: DbOrTransaction,
  scope: RequestScope,
  filter: { statuses?: readonly PpeRequestStatus[]; limit?: number } = {},
) {
  if (!scope.providerId && !scope.councilIds?.length) return []
  let query = db
    .selectFrom('ppeRequests as r')
    .innerJoin('locations as l', 'l.id', 'r.locationId')
    .select([...requestColumns])
  if (scope.providerId) query = query.where('r.providerId', '=', scope.providerId)
  if (scope.councilIds?.length) query = query.where('r.councilId', 'in', scope.councilIds)
  if (scope.locationId) query = query.where('r.locationId', '=', scope.locationId)
  if (filter.statuses?.length) query = query.where('r.status', 'in', filter.statuses)
  return query
    .orderBy('r.requestedAt', 'desc')
    .limit(filter.limit ?? 500)
    .execute()
}

export async function findRequest(db: DbOrTransaction, id: string, forUpdate = false) {
  let query = db
    .selectFrom('ppeRequests as r')
    .innerJoin('locations as l', 'l.id', 'r.locationId')
    .select([...requestColumns])
    .where('r.id', '=', id)
  if (forUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function linesOf(db: DbOrTransaction, requestId: string) {
  return db
    .selectFrom('ppeRequestLines as rl')
    .innerJoin('ppeItems as i', 'i.id', 'rl.itemId')
    .select([
      'rl.itemId',
      'i.name as itemName',
      'i.unit',
      'rl.quantityAsked',
      'rl.coverDays',
      'rl.quantityApproved',
    ])
    .where('rl.requestId', '=', requestId)
    .orderBy('i.name')
    .execute()
}

// What was issued for a request: per item, the units, whether free and the charge.
export async function issuesFor(db: DbOrTransaction, requestId: string) {
  return db
    .selectFrom('ppeStockMoves as m')
    .innerJoin('ppeItems as i', 'i.id', 'm.itemId')
    .select([
      'i.name as itemName',
      'm.quantity',
      'm.free',
      'm.unitPricePence',
      'm.chargedPence',
      'm.occurredOn',
    ])
    .where('m.requestId', '=', requestId)
    .where('m.kind', '=', 'issue')
    .orderBy('i.name')
    .execute()
}

// The priority rules of a council: its own when it has any, otherwise the install's.
export async function priorityRulesFor(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('ppePriorityRules')
    .select(['councilId', 'condition', 'label', 'weight', 'targetHours'])
    .where((eb) => eb.or([eb('councilId', '=', councilId), eb('councilId', 'is', null)]))
    .execute()
  const own = rows.filter((r) => r.councilId === councilId)
  return own.length ? own : rows
}

export async function locationForRequest(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('locations as l')
    .leftJoin('locationRisk as lr', 'lr.locationId', 'l.id')
    .select(['l.id', 'l.name', 'l.providerId', 'l.councilId', 'lr.rag'])
    .where('l.id', '=', locationId)
    .executeTakeFirst()
}

export async function locationsForRequests(
  db: DbOrTransaction,
  scope: { providerId?: string; councilId?: string },
) {
  let query = db
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('councilId', 'is not', null)
    .where('status', '=', 'open')
  if (scope.providerId) query = query.where('providerId', '=', scope.providerId)
  else if (scope.councilId) query = query.where('councilId', '=', scope.councilId)
  else return []
  return query.orderBy('name').limit(500).execute()
}

// The provider's locations whose current return, sent since `since`, asked for help with PPE and that
// have made no PPE request since it was sent: the home page links each to a request made for it.
export async function returnsAskingForPpe(db: DbOrTransaction, providerId: string, since: Date) {
  return (
    db
      .selectFrom('situationReturns as sr')
      .innerJoin('locations as l', 'l.id', 'sr.locationId')
      .select(['l.id as locationId', 'l.name as locationName', 'sr.periodStart', 'sr.submittedAt'])
      .where('l.providerId', '=', providerId)
      .where('l.status', '=', 'open')
      .where('l.councilId', 'is not', null)
      .where('sr.isCurrent', '=', true)
      .where('sr.submittedAt', '>=', since)
      // The field holds its choices joined by commas ("staffing,ppe").
      .where(sql<boolean>`'ppe' = any(string_to_array(sr.values->>'helpRequested', ','))`)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('ppeRequests as r')
              .select(sql`1`.as('one'))
              .whereRef('r.locationId', '=', 'sr.locationId')
              .whereRef('r.requestedAt', '>=', 'sr.submittedAt'),
          ),
        ),
      )
      .orderBy('sr.submittedAt', 'desc')
      .limit(20)
      .execute()
  )
}
