import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

// The charging policy's rows and the ledger's issues as figures and invoice lines.

export async function chargingRulesOf(db: DbOrTransaction, councilId: string) {
  return db
    .selectFrom('ppeChargingRules as c')
    .leftJoin('ppeItems as i', 'i.id', 'c.itemId')
    .select(['c.id', 'c.effectiveFrom', 'c.itemId', 'c.route', 'c.charge', 'c.note', 'i.name as itemName'])
    .where('c.councilId', '=', councilId)
    .orderBy('c.effectiveFrom')
    .execute()
}

export async function recoveryChangesOf(db: DbOrTransaction, councilId: string) {
  return db
    .selectFrom('ppeRecoveryChanges')
    .select(['id', 'effectiveFrom', 'paused', 'note'])
    .where('councilId', '=', councilId)
    .orderBy('effectiveFrom')
    .execute()
}

// The council's issues to providers in [from, to] (ISO dates, inclusive), one row per move.
function issuesQuery(db: DbOrTransaction, councilId: string, from: string, to: string) {
  return db
    .selectFrom('ppeStockMoves as m')
    .innerJoin('ppeStores as s', 's.id', 'm.storeId')
    .innerJoin('locations as l', 'l.id', 'm.locationId')
    .where('s.councilId', '=', councilId)
    .where('m.kind', '=', 'issue')
    .where('m.occurredOn', '>=', from)
    .where('m.occurredOn', '<=', to)
}

// Issued by item, provider type and contracted or not: units, free value and charged value (pence).
export async function issuedFigures(db: DbOrTransaction, councilId: string, from: string, to: string) {
  const rows = await issuesQuery(db, councilId, from, to)
    .innerJoin('ppeItems as i', 'i.id', 'm.itemId')
    .select((eb) => [
      'i.name as itemName',
      'l.serviceType',
      eb
        .exists(
          eb
            .selectFrom('councilContracts as cc')
            .select(sql`1`.as('one'))
            .whereRef('cc.locationId', '=', 'l.id')
            .where('cc.councilId', '=', councilId),
        )
        .as('contracted'),
      sql<string>`-sum(m.quantity)`.as('units'),
      sql<string>`sum(case when m.free then -m.quantity * m.unit_price_pence else 0 end)`.as('freePence'),
      sql<string>`sum(coalesce(m.charged_pence, 0))`.as('chargedPence'),
    ])
    .groupBy(['i.name', 'l.serviceType', 'contracted'])
    .orderBy('i.name')
    .orderBy('l.serviceType')
    .execute()
  return rows.map((r) => ({
    itemName: r.itemName,
    serviceType: r.serviceType,
    contracted: Boolean(r.contracted),
    units: Number(r.units),
    freePence: Number(r.freePence),
    chargedPence: Number(r.chargedPence),
  }))
}

// The chargeable issues, per provider, for invoicing.
export async function chargeableIssues(
  db: DbOrTransaction,
  councilId: string,
  from: string,
  to: string,
  providerId?: string,
) {
  let query = issuesQuery(db, councilId, from, to)
    .innerJoin('ppeItems as i', 'i.id', 'm.itemId')
    .innerJoin('providers as p', 'p.id', 'l.providerId')
    .leftJoin('ppeRequests as r', 'r.id', 'm.requestId')
    .select([
      'p.id as providerId',
      'p.name as providerName',
      'l.name as locationName',
      'r.reference',
      'm.occurredOn',
      'i.name as itemName',
      'm.quantity',
      'm.unitPricePence',
      'm.chargedPence',
    ])
    .where('m.free', '=', false)
  if (providerId) query = query.where('p.id', '=', providerId)
  const rows = await query.orderBy('p.name').orderBy('m.occurredOn').orderBy('m.id').execute()
  return rows.map((r) => ({
    ...r,
    quantity: -r.quantity,
    unitPricePence: Number(r.unitPricePence ?? 0),
    chargedPence: Number(r.chargedPence ?? 0),
  }))
}

// Delivered requests' hours from asking to delivery, in [from, to].
export async function deliveryHours(db: DbOrTransaction, councilId: string, from: Date, to: Date) {
  const rows = await db
    .selectFrom('ppeRequests')
    .select(sql<string>`extract(epoch from (delivered_at - requested_at)) / 3600`.as('hours'))
    .where('councilId', '=', councilId)
    .where('status', '=', 'delivered')
    .where('deliveredAt', '>=', from)
    .where('deliveredAt', '<', to)
    .execute()
  return rows.map((r) => Number(r.hours))
}

export async function openRequestCount(db: DbOrTransaction, councilId: string) {
  const row = await db
    .selectFrom('ppeRequests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('councilId', '=', councilId)
    .where('status', 'in', ['requested', 'approved', 'picked', 'dispatched'])
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
