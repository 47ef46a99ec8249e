import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { allocateFirstExpiry, type BatchBalance } from './domain/stock.rules.ts'
import type { PpeMoveKind, PpeRoute } from './ppe-supply.tables.ts'

// The stock ledger's one writer. Every move is appended to `ppe_stock_moves` and, in the same
// transaction (the caller's), added to the balances of its batch and of its item in its store. The
// item's balance row is locked first, so two moves of one item in one store never interleave and a
// balance never goes below zero. Nothing here updates or deletes a move.

export type MoveDetails = {
  occurredOn: string
  recordedBy: string | null
  recordedAt: Date
  reason?: string | null
  source?: string | null
  supplier?: string | null
  costPence?: number | null
  invoiceReference?: string | null
  locationId?: string | null
  requestId?: string | null
  route?: PpeRoute | null
  otherStoreId?: string | null
}

export type WrittenMove = { batchId: string; quantity: number; expiresOn: string | null }

// Locks (creating it at 0 if new) the item's balance row in the store, and gives its quantity.
async function lockedBalance(trx: DbOrTransaction, storeId: string, itemId: string): Promise<number> {
  await trx
    .insertInto('ppeStockBalances')
    .values({ storeId, itemId, quantity: 0 })
    .onConflict((oc) => oc.columns(['storeId', 'itemId']).doNothing())
    .execute()
  const row = await trx
    .selectFrom('ppeStockBalances')
    .select('quantity')
    .where('storeId', '=', storeId)
    .where('itemId', '=', itemId)
    .forUpdate()
    .executeTakeFirstOrThrow()
  return Number(row.quantity)
}

async function batchesOf(trx: DbOrTransaction, storeId: string, itemId: string): Promise<BatchBalance[]> {
  const rows = await trx
    .selectFrom('ppeBatchBalances as bb')
    .innerJoin('ppeBatches as b', 'b.id', 'bb.batchId')
    .select(['bb.batchId', 'b.expiresOn', 'b.receivedOn', 'bb.quantity'])
    .where('bb.storeId', '=', storeId)
    .where('bb.itemId', '=', itemId)
    .where('bb.quantity', '>', 0 as never)
    .execute()
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }))
}

async function append(
  trx: DbOrTransaction,
  move: { storeId: string; itemId: string; kind: PpeMoveKind; moves: WrittenMove[]; details: MoveDetails },
  sign: 1 | -1,
  charge?: (m: WrittenMove) => { free: boolean; unitPricePence: number; chargedPence: number },
) {
  const d = move.details
  await trx
    .insertInto('ppeStockMoves')
    .values(
      move.moves.map((m) => ({
        storeId: move.storeId,
        itemId: move.itemId,
        batchId: m.batchId,
        kind: move.kind,
        quantity: sign * m.quantity,
        occurredOn: d.occurredOn,
        reason: d.reason ?? null,
        source: d.source ?? null,
        supplier: d.supplier ?? null,
        costPence: d.costPence ?? null,
        invoiceReference: d.invoiceReference ?? null,
        locationId: d.locationId ?? null,
        requestId: d.requestId ?? null,
        route: d.route ?? null,
        otherStoreId: d.otherStoreId ?? null,
        recordedBy: d.recordedBy,
        recordedAt: d.recordedAt,
        ...(charge ? charge(m) : { free: null, unitPricePence: null, chargedPence: null }),
      })),
    )
    .execute()
  for (const m of move.moves) {
    await trx
      .updateTable('ppeBatchBalances')
      .set({ quantity: sql`quantity + ${sign * m.quantity}` as never })
      .where('batchId', '=', m.batchId)
      .execute()
  }
  const total = move.moves.reduce((s, m) => s + m.quantity, 0)
  await trx
    .updateTable('ppeStockBalances')
    .set({ quantity: sql`quantity + ${sign * total}` as never })
    .where('storeId', '=', move.storeId)
    .where('itemId', '=', move.itemId)
    .execute()
}

async function newBatch(
  trx: DbOrTransaction,
  storeId: string,
  itemId: string,
  expiresOn: string | null,
  receivedOn: string,
): Promise<string> {
  const batch = await trx
    .insertInto('ppeBatches')
    .values({ storeId, itemId, expiresOn, receivedOn })
    .returning('id')
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('ppeBatchBalances')
    .values({ batchId: batch.id, storeId, itemId, quantity: 0 })
    .execute()
  return batch.id
}

// Stock coming in (a receipt, a provider's return, a transfer's arrival): a new batch.
export async function addStock(
  trx: DbOrTransaction,
  move: {
    storeId: string
    itemId: string
    kind: 'receipt' | 'return' | 'transfer_in'
    quantity: number
    expiresOn: string | null
  },
  details: MoveDetails,
): Promise<WrittenMove[]> {
  await lockedBalance(trx, move.storeId, move.itemId)
  const batchId = await newBatch(trx, move.storeId, move.itemId, move.expiresOn, details.occurredOn)
  const moves = [{ batchId, quantity: move.quantity, expiresOn: move.expiresOn }]
  await append(trx, { storeId: move.storeId, itemId: move.itemId, kind: move.kind, moves, details }, 1)
  return moves
}

export type TakeResult = { ok: true; moves: WrittenMove[] } | { ok: false; available: number }

// Stock going out (an issue, a transfer, a write-off, a count below the balance), first expiry first.
// Issues and transfers take only unexpired batches; write-offs and counts any. Refused, with what is
// available and nothing written, when there is not enough.
export async function takeStock(
  trx: DbOrTransaction,
  move: {
    storeId: string
    itemId: string
    kind: 'issue' | 'transfer_out' | 'write_off' | 'count_adjustment'
    quantity: number
  },
  details: MoveDetails,
  charge?: (m: WrittenMove) => { free: boolean; unitPricePence: number; chargedPence: number },
): Promise<TakeResult> {
  await lockedBalance(trx, move.storeId, move.itemId)
  const batches = await batchesOf(trx, move.storeId, move.itemId)
  const usableFrom = move.kind === 'issue' || move.kind === 'transfer_out' ? details.occurredOn : '0000-01-01'
  const allocated = allocateFirstExpiry(batches, move.quantity, usableFrom)
  if (!allocated.ok) return allocated
  const expiry = new Map(batches.map((b) => [b.batchId, b.expiresOn]))
  const moves = allocated.allocations.map((a) => ({ ...a, expiresOn: expiry.get(a.batchId) ?? null }))
  await append(
    trx,
    { storeId: move.storeId, itemId: move.itemId, kind: move.kind, moves, details },
    -1,
    charge,
  )
  return { ok: true, moves }
}

// A transfer: out of one store first expiry first, into the other as batches with the same expiry.
export async function transferStock(
  trx: DbOrTransaction,
  move: { fromStoreId: string; toStoreId: string; itemId: string; quantity: number },
  details: MoveDetails,
): Promise<TakeResult> {
  const out = await takeStock(
    trx,
    { storeId: move.fromStoreId, itemId: move.itemId, kind: 'transfer_out', quantity: move.quantity },
    { ...details, otherStoreId: move.toStoreId },
  )
  if (!out.ok) return out
  for (const m of out.moves)
    await addStock(
      trx,
      {
        storeId: move.toStoreId,
        itemId: move.itemId,
        kind: 'transfer_in',
        quantity: m.quantity,
        expiresOn: m.expiresOn,
      },
      { ...details, otherStoreId: move.fromStoreId },
    )
  return out
}

// A stock count: the difference from the balance as an adjustment (none when they agree). Stock
// found is added to the latest batch (or a new one when there is none).
export async function recordCount(
  trx: DbOrTransaction,
  move: { storeId: string; itemId: string; counted: number },
  details: MoveDetails,
): Promise<{ difference: number }> {
  const balance = await lockedBalance(trx, move.storeId, move.itemId)
  const difference = move.counted - balance
  if (difference < 0) {
    await takeStock(
      trx,
      { storeId: move.storeId, itemId: move.itemId, kind: 'count_adjustment', quantity: -difference },
      details,
    )
  } else if (difference > 0) {
    const latest = await trx
      .selectFrom('ppeBatches')
      .select(['id', 'expiresOn'])
      .where('storeId', '=', move.storeId)
      .where('itemId', '=', move.itemId)
      .orderBy('receivedOn', 'desc')
      .orderBy('id')
      .executeTakeFirst()
    const batchId = latest?.id ?? (await newBatch(trx, move.storeId, move.itemId, null, details.occurredOn))
    await append(
      trx,
      {
        storeId: move.storeId,
        itemId: move.itemId,
        kind: 'count_adjustment',
        moves: [{ batchId, quantity: difference, expiresOn: latest?.expiresOn ?? null }],
        details,
      },
      1,
    )
  }
  return { difference }
}
