import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isoDateFromParts, londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { councilsToRead, councilToManage } from './domain/access.rules.ts'
import { parseUnitPrice, priceOn } from './domain/charging.rules.ts'
import { parseQuantity } from './domain/stock.rules.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import { itemsOf, pricesOf } from './stock.repository.ts'

// The council's PPE items and their dated prices: an admin or officer adds an item with its price from
// a date (today when none is given), and sets a new price from any date; an issue is priced at the
// price in force on its day.
export function createItemService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())

  async function items(actor: Actor) {
    const councils = councilsToRead(actor)
    if (councils.length === 0) return null
    const list = await itemsOf(db, councils)
    const prices = await pricesOf(
      db,
      list.map((i) => i.id),
    )
    return list.map((i) => {
      const own = prices.filter((p) => p.itemId === i.id)
      return { ...i, prices: own, priceToday: priceOn(own, today()) }
    })
  }

  async function addItem(
    actor: Actor,
    form: Record<string, string>,
  ): Promise<Outcome<{ id: string }> | null> {
    const councilId = councilToManage(actor)
    if (!councilId) return null
    const errors: Record<string, string> = {}
    const name = (form.name ?? '').trim()
    const unit = (form.unit ?? '').trim()
    if (!name) errors.name = 'Enter the name of the item'
    else if (name.length > 100) errors.name = 'Name must be 100 characters or fewer'
    else if ((await itemsOf(db, [councilId])).some((i) => i.name.toLowerCase() === name.toLowerCase()))
      errors.name = `There is already an item called ${name}`
    if (!unit) errors.unit = 'Enter the unit, like glove or mask'
    else if (unit.length > 50) errors.unit = 'Unit must be 50 characters or fewer'
    const pack = parseQuantity(form.packSize ?? '', { missing: 'Enter the pack size', label: 'Pack size' })
    if (!pack.ok) errors.packSize = pack.error
    const priced = parseUnitPrice(form.price ?? '')
    if (!priced.ok) errors.price = priced.error
    const from = effectiveFrom(form, 'effectiveFrom') ?? today()
    if (!from) errors.effectiveFrom = 'Date the price starts must be a real date, like 26 5 2020'
    if (Object.keys(errors).length || !pack.ok || !priced.ok || !from) return { ok: false, errors }
    const price = priced.value
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ppeItems')
        .values({ councilId, name, unit, packSize: pack.value, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('ppeItemPrices')
        .values({
          itemId: row.id,
          effectiveFrom: from,
          unitPricePence: price,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: PpeAuditAction.itemAdded,
        entityType: 'ppe_item',
        entityId: row.id,
        after: { name, unit, packSize: pack.value, unitPricePence: price, effectiveFrom: from },
        occurredAt: now,
      })
      return { ok: true as const, value: { id: row.id } }
    })
  }

  // A new price from a date (today or later, or earlier to correct history): the dated history grows.
  async function setPrice(
    actor: Actor,
    itemId: string,
    form: Record<string, string>,
  ): Promise<Outcome<null> | null> {
    const councilId = councilToManage(actor)
    if (!councilId || !isUuid(itemId)) return null
    const item = (await itemsOf(db, [councilId])).find((i) => i.id === itemId)
    if (!item) return null
    const errors: Record<string, string> = {}
    const priced = parseUnitPrice(form.price ?? '')
    if (!priced.ok) errors.price = priced.error
    const from = effectiveFrom(form, 'effectiveFrom')
    if (!from) errors.effectiveFrom = 'Enter the date the price starts, like 26 5 2020'
    if (Object.keys(errors).length || !priced.ok || !from) return { ok: false, errors }
    const price = priced.value
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ppeItemPrices')
        .values({
          itemId,
          effectiveFrom: from,
          unitPricePence: price,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['itemId', 'effectiveFrom'])
            .doUpdateSet({ unitPricePence: price, recordedBy: actor.userId, recordedAt: now }),
        )
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: PpeAuditAction.priceSet,
        entityType: 'ppe_item',
        entityId: itemId,
        after: { effectiveFrom: from, unitPricePence: price },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  return { items, addItem, setPrice }
}

// A date typed in three boxes: the ISO date, '' when it is not a real date, null when all are blank.
function effectiveFrom(form: Record<string, string>, name: string): string | null {
  const parts = {
    day: form[`${name}-day`] ?? '',
    month: form[`${name}-month`] ?? '',
    year: form[`${name}-year`] ?? '',
  }
  if (!parts.day.trim() && !parts.month.trim() && !parts.year.trim()) return null
  return isoDateFromParts(parts) ?? ''
}
