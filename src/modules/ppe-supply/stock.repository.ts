import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'

// Reads of items, prices, stores and balances. Balances come from the balance tables the ledger's
// writer keeps (ledger.repository.ts); the issue rate from the ledger's issues of the last 14 days.

export async function itemsOf(db: DbOrTransaction, councilIds: readonly string[]) {
  if (councilIds.length === 0) return []
  return db
    .selectFrom('ppeItems')
    .select(['id', 'councilId', 'name', 'unit', 'packSize'])
    .where('councilId', 'in', councilIds)
    .orderBy('name')
    .execute()
}

export async function pricesOf(db: DbOrTransaction, itemIds: readonly string[]) {
  if (itemIds.length === 0) return []
  const rows = await db
    .selectFrom('ppeItemPrices')
    .select(['itemId', 'effectiveFrom', 'unitPricePence'])
    .where('itemId', 'in', itemIds)
    .orderBy('effectiveFrom')
    .execute()
  return rows.map((r) => ({ ...r, unitPricePence: Number(r.unitPricePence) }))
}

export async function storesOf(db: DbOrTransaction, councilIds: readonly string[]) {
  if (councilIds.length === 0) return []
  return db
    .selectFrom('ppeStores')
    .select(['id', 'councilId', 'name', 'kind', 'address'])
    .where('councilId', 'in', councilIds)
    .orderBy('name')
    .execute()
}

// Every item's balance in every store of the councils, its threshold and its last 14 days' issues.
export async function storeBalances(db: DbOrTransaction, councilIds: readonly string[], today: string) {
  if (councilIds.length === 0) return []
  const since = addDaysToIsoDate(today, -13)
  const rows = await db
    .selectFrom('ppeStores as s')
    .innerJoin('ppeItems as i', 'i.councilId', 's.councilId')
    .leftJoin('ppeStockBalances as b', (j) =>
      j.onRef('b.storeId', '=', 's.id').onRef('b.itemId', '=', 'i.id'),
    )
    .leftJoin('ppeStockThresholds as t', (j) =>
      j.onRef('t.storeId', '=', 's.id').onRef('t.itemId', '=', 'i.id'),
    )
    .select((eb) => [
      's.id as storeId',
      's.name as storeName',
      's.councilId',
      'i.id as itemId',
      'i.name as itemName',
      'i.unit',
      'b.quantity',
      't.threshold',
      eb
        .selectFrom('ppeStockMoves as m')
        .select(sql<string>`coalesce(-sum(m.quantity), 0)`.as('issued'))
        .whereRef('m.storeId', '=', 's.id')
        .whereRef('m.itemId', '=', 'i.id')
        .where('m.occurredOn', '>=', since)
        .where('m.occurredOn', '<=', today)
        .where('m.kind', '=', 'issue')
        .as('issued14'),
    ])
    .where('s.councilId', 'in', councilIds)
    .orderBy('s.name')
    .orderBy('i.name')
    .execute()
  return rows.map((r) => ({
    ...r,
    balance: Number(r.quantity ?? 0),
    issued14: Number(r.issued14 ?? 0),
  }))
}

export async function batchesInStore(db: DbOrTransaction, storeId: string) {
  const rows = await db
    .selectFrom('ppeBatchBalances as bb')
    .innerJoin('ppeBatches as b', 'b.id', 'bb.batchId')
    .innerJoin('ppeItems as i', 'i.id', 'b.itemId')
    .select(['i.name as itemName', 'b.expiresOn', 'b.receivedOn', 'bb.quantity'])
    .where('bb.storeId', '=', storeId)
    .where('bb.quantity', '>', 0 as never)
    .orderBy('i.name')
    .orderBy(sql`b.expires_on nulls last`)
    .execute()
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }))
}

export async function recentMoves(db: DbOrTransaction, storeId: string, limit = 30) {
  return db
    .selectFrom('ppeStockMoves as m')
    .innerJoin('ppeItems as i', 'i.id', 'm.itemId')
    .leftJoin('locations as l', 'l.id', 'm.locationId')
    .leftJoin('ppeStores as o', 'o.id', 'm.otherStoreId')
    .select([
      'm.id',
      'm.kind',
      'm.quantity',
      'm.occurredOn',
      'm.reason',
      'm.source',
      'm.supplier',
      'm.invoiceReference',
      'i.name as itemName',
      'l.name as locationName',
      'o.name as otherStoreName',
    ])
    .where('m.storeId', '=', storeId)
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute()
}
