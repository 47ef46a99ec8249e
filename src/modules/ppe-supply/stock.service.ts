import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isoDateFromParts, londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { councilsToRead, councilToManage } from './domain/access.rules.ts'
import { penceFromText } from './domain/charging.rules.ts'
import {
  isLowStock,
  notEnoughStock,
  parseQuantity,
  receiptSources,
  stockCoverDays,
  writeOffReasons,
} from './domain/stock.rules.ts'
import { createItemService } from './items.service.ts'
import { addStock, type MoveDetails, recordCount, takeStock, transferStock } from './ledger.repository.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import { Refused } from './refused.ts'
import { batchesInStore, itemsOf, recentMoves, storeBalances, storesOf } from './stock.repository.ts'
import { createStoreService } from './stores.service.ts'

export const storeMoveKinds = ['receipt', 'transfer', 'return', 'write_off', 'count'] as const
export type StoreMoveKind = (typeof storeMoveKinds)[number]
export type MoveForm = Record<string, string>

const quantityWords = { missing: 'Enter the quantity', label: 'Quantity' }

// The council's PPE items and prices, its stores, their balances and every move into or out of them.
export function createStockService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())

  // Every store's balance of every item, with cover in days and the low-stock flag.
  async function balances(actor: Actor) {
    const councils = councilsToRead(actor)
    if (councils.length === 0) return null
    const rows = await storeBalances(db, councils, today())
    return rows.map((r) => ({
      ...r,
      coverDays: stockCoverDays(r.balance, r.issued14),
      low: isLowStock(r.balance, r.threshold),
    }))
  }

  async function storeInScope(actor: Actor, storeId: string) {
    if (!isUuid(storeId)) return null
    const councils = councilsToRead(actor)
    return (await storesOf(db, councils)).find((s) => s.id === storeId) ?? null
  }

  async function storePage(actor: Actor, storeId: string) {
    const store = await storeInScope(actor, storeId)
    if (!store) return null
    const all = (await balances(actor)) ?? []
    return {
      store,
      balances: all.filter((b) => b.storeId === store.id),
      batches: await batchesInStore(db, store.id),
      moves: await recentMoves(db, store.id),
      mayManage: councilToManage(actor) === store.councilId,
    }
  }

  // What a move's form offers: the council's items and its other stores.
  async function moveFormFor(actor: Actor, storeId: string) {
    const store = await storeInScope(actor, storeId)
    if (!store || councilToManage(actor) !== store.councilId) return null
    const items = await itemsOf(db, [store.councilId])
    const stores = (await storesOf(db, [store.councilId])).filter((s) => s.id !== store.id)
    return { store, items, otherStores: stores }
  }

  // Records a move typed in the store's form. Bad input, or more out than is in stock, changes nothing.
  async function recordMove(
    actor: Actor,
    storeId: string,
    kind: StoreMoveKind,
    form: MoveForm,
  ): Promise<Outcome<{ message: string }> | null> {
    const context = await moveFormFor(actor, storeId)
    if (!context) return null
    const errors: Record<string, string> = {}
    const item = context.items.find((i) => i.id === form.itemId)
    if (!item) errors.itemId = 'Select an item'
    const quantityField = kind === 'count' ? 'counted' : 'quantity'
    const quantity = parseQuantity(
      form[quantityField] ?? '',
      kind === 'count' ? { missing: 'Enter the quantity counted', label: 'Quantity counted' } : quantityWords,
      { allowZero: kind === 'count' },
    )
    if (!quantity.ok) errors[quantityField] = quantity.error
    let expiresOn: string | null = null
    let costPence: number | null = null
    if (kind === 'receipt') {
      if (!(receiptSources as readonly string[]).includes(form.source ?? ''))
        errors.source = 'Select where the stock came from'
      if ((form.supplier ?? '').trim().length > 200)
        errors.supplier = 'Supplier must be 200 characters or fewer'
      if (form.source === 'purchase' && !(form.invoiceReference ?? '').trim())
        errors.invoiceReference = 'Enter the invoice reference of the purchase'
      if ((form.cost ?? '').trim()) {
        costPence = penceFromText(form.cost ?? '')
        if (costPence === null) errors.cost = 'Cost must be an amount in pounds and pence, like 125.50'
      } else if (form.source === 'purchase') errors.cost = 'Enter what the purchase cost'
      const parts = {
        day: form['expiresOn-day'] ?? '',
        month: form['expiresOn-month'] ?? '',
        year: form['expiresOn-year'] ?? '',
      }
      if (parts.day || parts.month || parts.year) {
        expiresOn = isoDateFromParts(parts)
        if (!expiresOn) errors.expiresOn = 'Expiry date must be a real date, like 31 12 2021'
      }
    }
    const toStore = context.otherStores.find((s) => s.id === form.toStoreId)
    if (kind === 'transfer' && !toStore) errors.toStoreId = 'Select the store it goes to'
    const reason = (form.reason ?? '').trim()
    if (kind === 'write_off' && !(writeOffReasons as readonly string[]).includes(reason))
      errors.reason = 'Select why the stock is written off'
    if ((kind === 'return' || kind === 'count') && !reason)
      errors.reason = kind === 'return' ? 'Enter why the stock came back' : 'Enter the reason for the count'
    if (reason.length > 500) errors.reason = 'Reason must be 500 characters or fewer'
    if (Object.keys(errors).length || !item || !quantity.ok) return { ok: false, errors }

    const now = clock.now()
    const details: MoveDetails = {
      occurredOn: londonDate(now),
      recordedBy: actor.userId,
      recordedAt: now,
      reason: reason || null,
    }
    const audit = (action: (typeof PpeAuditAction)[keyof typeof PpeAuditAction], after: unknown) => ({
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId: context.store.councilId,
      action,
      entityType: 'ppe_store',
      entityId: context.store.id,
      after,
      occurredAt: now,
    })
    const n = quantity.value
    try {
      return await db.transaction().execute(async (trx) => {
        const refuse = (available: number) => {
          throw new Refused({ [quantityField]: notEnoughStock(item.name, available, item.unit) })
        }
        if (kind === 'receipt' || kind === 'return') {
          await addStock(
            trx,
            {
              storeId: context.store.id,
              itemId: item.id,
              kind: kind === 'receipt' ? 'receipt' : 'return',
              quantity: n,
              expiresOn,
            },
            {
              ...details,
              source: kind === 'receipt' ? form.source : null,
              supplier: (form.supplier ?? '').trim() || null,
              costPence,
              invoiceReference: (form.invoiceReference ?? '').trim() || null,
            },
          )
          await recordAudit(
            trx,
            audit(kind === 'receipt' ? PpeAuditAction.stockReceived : PpeAuditAction.stockReturned, {
              item: item.name,
              quantity: n,
              source: form.source,
              expiresOn,
            }),
          )
          return {
            ok: true,
            value: { message: `${n.toLocaleString('en-GB')} ${item.unit} of ${item.name} added` },
          }
        }
        if (kind === 'transfer') {
          const moved = await transferStock(
            trx,
            { fromStoreId: context.store.id, toStoreId: toStore!.id, itemId: item.id, quantity: n },
            details,
          )
          if (!moved.ok) refuse(moved.available)
          await recordAudit(
            trx,
            audit(PpeAuditAction.stockTransferred, { item: item.name, quantity: n, to: toStore!.name }),
          )
          return {
            ok: true,
            value: {
              message: `${n.toLocaleString('en-GB')} ${item.unit} of ${item.name} sent to ${toStore!.name}`,
            },
          }
        }
        if (kind === 'write_off') {
          const taken = await takeStock(
            trx,
            { storeId: context.store.id, itemId: item.id, kind: 'write_off', quantity: n },
            details,
          )
          if (!taken.ok) refuse(taken.available)
          await recordAudit(
            trx,
            audit(PpeAuditAction.stockWrittenOff, { item: item.name, quantity: n, reason }),
          )
          return {
            ok: true,
            value: { message: `${n.toLocaleString('en-GB')} ${item.unit} of ${item.name} written off` },
          }
        }
        const counted = await recordCount(
          trx,
          { storeId: context.store.id, itemId: item.id, counted: n },
          details,
        )
        await recordAudit(
          trx,
          audit(PpeAuditAction.stockCounted, { item: item.name, counted: n, difference: counted.difference }),
        )
        const diff = counted.difference
        return {
          ok: true,
          value: {
            message:
              diff === 0
                ? `Count of ${item.name} agrees with the balance`
                : `Count of ${item.name} recorded: ${diff > 0 ? 'found' : 'missing'} ${Math.abs(diff).toLocaleString('en-GB')} ${item.unit}, recorded as an adjustment`,
          },
        }
      })
    } catch (error) {
      if (error instanceof Refused) return { ok: false, errors: error.errors }
      throw error
    }
  }

  async function setThreshold(
    actor: Actor,
    storeId: string,
    form: Record<string, string>,
  ): Promise<Outcome<null> | null> {
    const context = await moveFormFor(actor, storeId)
    if (!context) return null
    const errors: Record<string, string> = {}
    const item = context.items.find((i) => i.id === form.itemId)
    if (!item) errors.itemId = 'Select an item'
    const threshold = parseQuantity(
      form.threshold ?? '',
      { missing: 'Enter the low-stock threshold', label: 'Threshold' },
      { allowZero: true },
    )
    if (!threshold.ok) errors.threshold = threshold.error
    if (Object.keys(errors).length || !item || !threshold.ok) return { ok: false, errors }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ppeStockThresholds')
        .values({ storeId, itemId: item.id, threshold: threshold.value })
        .onConflict((oc) => oc.columns(['storeId', 'itemId']).doUpdateSet({ threshold: threshold.value }))
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: context.store.councilId,
        action: PpeAuditAction.thresholdSet,
        entityType: 'ppe_store',
        entityId: storeId,
        after: { item: item.name, threshold: threshold.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // The councils' stores, each with its balances (a store with nothing in it yet is listed too).
  async function stores(actor: Actor) {
    const councils = councilsToRead(actor)
    if (councils.length === 0) return null
    const all = (await balances(actor)) ?? []
    return (await storesOf(db, councils)).map((s) => ({
      ...s,
      balances: all.filter((b) => b.storeId === s.id),
    }))
  }

  return {
    balances,
    stores,
    storePage,
    moveFormFor,
    recordMove,
    setThreshold,
    today,
    ...createItemService(deps),
    ...createStoreService(deps),
  }
}

export { Refused }

export type StockService = ReturnType<typeof createStockService>
