import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isoDateFromParts, londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { councilsToRead, councilToManage, maySeeRequest, providerToRequestFor } from './domain/access.rules.ts'
import { chargeForIssue } from './domain/charging.rules.ts'
import {
  checkApproval,
  checkDelivery,
  dueAt,
  isOverdue,
  nextStep,
  openStatuses,
  prioritise,
  waitedText,
  worstFirst,
} from './domain/request.rules.ts'
import { notEnoughStock, parseQuantity } from './domain/stock.rules.ts'
import { takeStock } from './ledger.repository.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import type { PpeRequestStatus } from './ppe-supply.tables.ts'
import {
  findRequest,
  issuesFor,
  linesOf,
  locationForRequest,
  locationsForRequests,
  priorityRulesFor,
  requestsIn,
} from './requests.repository.ts'
import { chargingRulesOf } from './charging.repository.ts'
import { itemsOf, pricesOf, storesOf } from './stock.repository.ts'
import { Refused } from './stock.service.ts'

export type RequestForm = Record<string, string>
type Row = NonNullable<Awaited<ReturnType<typeof findRequest>>>

// Emergency PPE requests: asked by a provider manager (or recorded by an officer from a call),
// decided, picked, dispatched (the stock leaves the store in the same transaction) and delivered.
export function createRequestService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const view = (r: Row, now: Date) => ({
    ...r,
    dueAt: dueAt(r.requestedAt, r.targetHours),
    overdue: isOverdue(r, now),
    waited: waitedText(r.requestedAt, r.deliveredAt ?? (r.status === 'declined' ? (r.decidedAt ?? now) : now)),
    reasons: (Array.isArray(r.priorityReasons) ? r.priorityReasons : []) as string[],
  })

  // The locations the actor may ask for, and the council's items.
  async function formFor(actor: Actor) {
    const providerId = providerToRequestFor(actor)
    const councilId = councilToManage(actor)
    if (!providerId && !councilId) return null
    const locations = await locationsForRequests(db, providerId ? { providerId } : { councilId: councilId! })
    return { locations, channel: providerId ? ('web' as const) : ('phone' as const) }
  }

  async function itemsForLocation(locationId: string) {
    if (!isUuid(locationId)) return []
    const location = await locationForRequest(db, locationId)
    return location?.councilId ? itemsOf(db, [location.councilId]) : []
  }

  // Checks a request as typed; nothing is saved. The errors name each field.
  async function check(actor: Actor, form: RequestForm) {
    const context = await formFor(actor)
    if (!context) return null
    const errors: Record<string, string> = {}
    const location = context.locations.find((l) => l.id === form.locationId)
      ? await locationForRequest(db, form.locationId!)
      : undefined
    if (!location?.councilId) errors.locationId = 'Select the location the PPE is for'
    const items = location?.councilId ? await itemsOf(db, [location.councilId]) : []
    const lines: { itemId: string; itemName: string; unit: string; quantity: number; coverDays: number | null }[] = []
    for (const key of Object.keys(form)) {
      if (!key.startsWith('quantity-') && !key.startsWith('cover-')) continue
      const itemId = key.slice(key.indexOf('-') + 1)
      if (location && !items.some((i) => i.id === itemId))
        errors.items = 'Ask only for the items listed: one of them is not an item the council supplies'
    }
    for (const item of items) {
      const raw = (form[`quantity-${item.id}`] ?? '').trim()
      const coverRaw = (form[`cover-${item.id}`] ?? '').trim()
      if (!raw) {
        if (coverRaw) errors[`quantity-${item.id}`] = `Enter how many ${item.name} you need`
        continue
      }
      const q = parseQuantity(raw, { missing: '', label: `Quantity of ${item.name}` }, { max: 1_000_000 })
      if (!q.ok) errors[`quantity-${item.id}`] = q.error
      let coverDays: number | null = null
      if (coverRaw) {
        const c = parseQuantity(coverRaw, { missing: '', label: `Days of ${item.name} left` }, { allowZero: true, max: 365 })
        if (!c.ok) errors[`cover-${item.id}`] = c.error
        else coverDays = c.value
      }
      if (q.ok) lines.push({ itemId: item.id, itemName: item.name, unit: item.unit, quantity: q.value, coverDays })
    }
    if (location && lines.length === 0 && !Object.keys(errors).some((k) => k.startsWith('quantity-') || k === 'items'))
      errors.items = 'Enter how many you need of at least one item'
    if (!['yes', 'no'].includes(form.hasCases ?? '')) errors.hasCases = 'Select whether you have cases of COVID-19'
    if (!['yes', 'no'].includes(form.outbreak ?? '')) errors.outbreak = 'Select whether you have an outbreak'
    const notes = (form.notes ?? '').trim()
    if (notes.length > 1000) errors.notes = 'Notes must be 1,000 characters or fewer'
    if (Object.keys(errors).length || !location?.councilId)
      return { ok: false as const, errors, items }
    return {
      ok: true as const,
      items,
      value: {
        location: { ...location, councilId: location.councilId },
        lines,
        hasCases: form.hasCases === 'yes',
        outbreak: form.outbreak === 'yes',
        notes: notes || null,
        channel: context.channel,
      },
    }
  }

  async function send(actor: Actor, form: RequestForm): Promise<Outcome<{ id: string }> | null> {
    const checked = await check(actor, form)
    if (!checked) return null
    if (!checked.ok) return checked
    const v = checked.value
    const now = clock.now()
    const rules = await priorityRulesFor(db, v.location.councilId)
    const covers = v.lines.flatMap((l) => (l.coverDays === null ? [] : [l.coverDays]))
    const priority = prioritise(rules, {
      lowestCoverDays: covers.length ? Math.min(...covers) : null,
      outbreak: v.outbreak,
      hasCases: v.hasCases,
      rag: v.location.rag,
    })
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ppeRequests')
        .values({
          councilId: v.location.councilId,
          locationId: v.location.id,
          providerId: v.location.providerId,
          channel: v.channel,
          status: 'requested',
          hasCases: v.hasCases,
          outbreak: v.outbreak,
          rag: v.location.rag ?? null,
          priority: priority.priority,
          priorityReasons: JSON.stringify(priority.reasons),
          targetHours: priority.targetHours,
          notes: v.notes,
          requestedBy: actor.userId,
          requestedAt: now,
          updatedAt: now,
        })
        .returning(['id', 'reference'])
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('ppeRequestLines')
        .values(v.lines.map((l) => ({ requestId: row.id, itemId: l.itemId, quantityAsked: l.quantity, coverDays: l.coverDays, quantityApproved: null })))
        .execute()
      await audit(trx, actor, v.location.councilId, row.id, PpeAuditAction.requestMade, {
        reference: row.reference,
        location: v.location.name,
        lines: v.lines.map((l) => ({ item: l.itemName, quantity: l.quantity, coverDays: l.coverDays })),
        priority,
      })
      return { ok: true as const, value: { id: row.id } }
    })
  }

  const audit = (
    trx: DbOrTransaction,
    actor: Actor,
    councilId: string,
    requestId: string,
    action: (typeof PpeAuditAction)[keyof typeof PpeAuditAction],
    after: unknown,
  ) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId,
      action,
      entityType: 'ppe_request',
      entityId: requestId,
      after,
      occurredAt: clock.now(),
    })

  // Worst first for the PPE team (open ones), newest first for a provider.
  async function list(actor: Actor, filter: { status?: string } = {}) {
    const providerId = providerToRequestFor(actor)
    const councils = councilsToRead(actor)
    if (!providerId && councils.length === 0) return null
    const now = clock.now()
    const statuses =
      filter.status === 'open' || (!filter.status && !providerId)
        ? openStatuses
        : filter.status && filter.status in nextStep
          ? [filter.status as PpeRequestStatus]
          : undefined
    const rows = await requestsIn(db, providerId ? { providerId } : { councilIds: councils }, { statuses })
    const views = rows.map((r) => view(r, now))
    return providerId ? views : worstFirst(views)
  }

  async function get(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const r = await findRequest(db, id)
    if (!r || !maySeeRequest(actor, r)) return null
    const mayManage = councilToManage(actor) === r.councilId
    return {
      request: view(r, clock.now()),
      lines: await linesOf(db, id),
      issues: (await issuesFor(db, id)).map((m) => ({
        ...m,
        quantity: -m.quantity,
        unitPricePence: Number(m.unitPricePence ?? 0),
        chargedPence: Number(m.chargedPence ?? 0),
      })),
      stores: mayManage ? await storesOf(db, [r.councilId]) : [],
      mayManage,
      step: mayManage ? nextStep[r.status] : null,
    }
  }

  // One step of a request, by the PPE team of its council, from the state it must be in.
  async function step(
    actor: Actor,
    id: string,
    from: PpeRequestStatus,
    work: (trx: DbOrTransaction, r: Row) => Promise<Outcome<null>>,
  ): Promise<Outcome<null> | null> {
    if (!isUuid(id)) return null
    try {
      return await db.transaction().execute(async (trx) => {
        const r = await findRequest(trx, id, true)
        if (!r || !maySeeRequest(actor, r)) return null
        if (councilToManage(actor) !== r.councilId) return null
        if (r.status !== from)
          return { ok: false as const, errors: { status: `This request is already ${r.status}: refresh the page` } }
        return work(trx, r)
      })
    } catch (error) {
      if (error instanceof Refused) return { ok: false, errors: error.errors }
      throw error
    }
  }

  const decide = (actor: Actor, id: string, form: RequestForm) =>
    step(actor, id, 'requested', async (trx, r) => {
      const now = clock.now()
      if (form.decision === 'decline') {
        const reason = (form.declineReason ?? '').trim()
        if (!reason) return { ok: false, errors: { declineReason: 'Enter why the request is declined: the provider will see it' } }
        if (reason.length > 1000) return { ok: false, errors: { declineReason: 'Reason must be 1,000 characters or fewer' } }
        await trx
          .updateTable('ppeRequests')
          .set({ status: 'declined', declineReason: reason, decidedBy: actor.userId, decidedAt: now, updatedAt: now })
          .where('id', '=', r.id)
          .execute()
        await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestDeclined, { reason })
        return { ok: true, value: null }
      }
      if (form.decision !== 'approve') return { ok: false, errors: { decision: 'Select whether to approve or decline the request' } }
      const lines = await linesOf(trx, r.id)
      const checked = checkApproval(lines, form)
      if (!checked.ok) return checked
      for (const [itemId, quantity] of checked.approved)
        await trx
          .updateTable('ppeRequestLines')
          .set({ quantityApproved: quantity })
          .where('requestId', '=', r.id)
          .where('itemId', '=', itemId)
          .execute()
      await trx
        .updateTable('ppeRequests')
        .set({ status: 'approved', partApproved: checked.part, decidedBy: actor.userId, decidedAt: now, updatedAt: now })
        .where('id', '=', r.id)
        .execute()
      await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestApproved, {
        part: checked.part,
        approved: Object.fromEntries(checked.approved),
      })
      return { ok: true, value: null }
    })

  const pick = (actor: Actor, id: string, form: RequestForm) =>
    step(actor, id, 'approved', async (trx, r) => {
      const store = (await storesOf(trx, [r.councilId])).find((s) => s.id === form.storeId)
      if (!store) return { ok: false, errors: { storeId: 'Select the store the PPE is picked from' } }
      const now = clock.now()
      await trx
        .updateTable('ppeRequests')
        .set({ status: 'picked', storeId: store.id, pickedAt: now, updatedAt: now })
        .where('id', '=', r.id)
        .execute()
      await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestPicked, { store: store.name })
      return { ok: true, value: null }
    })

  // The approved stock leaves the picked store, first expiry first, each issue free or charged at the
  // day's price by the policy in force: all of it in one transaction, or none if any item is short.
  const dispatch = (actor: Actor, id: string) =>
    step(actor, id, 'picked', async (trx, r) => {
      const now = clock.now()
      const onDate = londonDate(now)
      const lines = (await linesOf(trx, r.id)).filter((l) => (l.quantityApproved ?? 0) > 0)
      const rules = await chargingRulesOf(trx, r.councilId)
      const prices = await pricesOf(trx, lines.map((l) => l.itemId))
      for (const line of lines) {
        const quantity = line.quantityApproved!
        const own = prices.filter((p) => p.itemId === line.itemId)
        const taken = await takeStock(
          trx,
          { storeId: r.storeId!, itemId: line.itemId, kind: 'issue', quantity },
          { occurredOn: onDate, recordedBy: actor.userId, recordedAt: now, locationId: r.locationId, requestId: r.id, route: 'emergency' },
          (m) => chargeForIssue(rules, own, { itemId: line.itemId, route: 'emergency', onDate, quantity: m.quantity }),
        )
        if (!taken.ok)
          throw new Refused({ status: notEnoughStock(line.itemName, taken.available, line.unit) })
      }
      await trx
        .updateTable('ppeRequests')
        .set({ status: 'dispatched', dispatchedAt: now, updatedAt: now })
        .where('id', '=', r.id)
        .execute()
      await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestDispatched, {
        lines: lines.map((l) => ({ item: l.itemName, quantity: l.quantityApproved })),
      })
      return { ok: true, value: null }
    })

  const deliver = (actor: Actor, id: string, form: RequestForm) =>
    step(actor, id, 'dispatched', async (trx, r) => {
      const day = isoDateFromParts({
        day: form['deliveredDate-day'] ?? '',
        month: form['deliveredDate-month'] ?? '',
        year: form['deliveredDate-year'] ?? '',
      })
      const time = /^(\d{1,2})[:.](\d{2})$/.exec((form.deliveredTime ?? '').trim())
      const valid = day && time && Number(time[1]) < 24 && Number(time[2]) < 60
      const deliveredAt = valid ? londonInstant(day, Number(time[1]), Number(time[2])) : null
      const receivedBy = (form.receivedBy ?? '').trim()
      const errors = checkDelivery({ receivedBy, deliveredAt }, r.dispatchedAt!, clock.now())
      if (Object.keys(errors).length) return { ok: false, errors }
      await trx
        .updateTable('ppeRequests')
        .set({ status: 'delivered', deliveredAt, receivedBy, updatedAt: clock.now() })
        .where('id', '=', r.id)
        .execute()
      await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestDelivered, { receivedBy, deliveredAt })
      return { ok: true, value: null }
    })

  // A provider's requests for its home page; a recent decline's reason goes at the top of it.
  async function forProviderHome(actor: Actor) {
    const providerId = providerToRequestFor(actor)
    if (!providerId) return null
    const now = clock.now()
    const rows = (await requestsIn(db, { providerId }, { limit: 10 })).map((r) => view(r, now))
    const fortnightAgo = now.getTime() - 14 * 86_400_000
    const declined = rows.filter((r) => r.status === 'declined' && (r.decidedAt?.getTime() ?? 0) >= fortnightAgo)
    return { requests: rows, declined }
  }

  // The requests of one location, for its page and its case's page (null: not the actor's to see).
  async function forLocation(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const providerId = providerToRequestFor(actor)
    const councils = councilsToRead(actor)
    if (!providerId && councils.length === 0) return null
    const now = clock.now()
    const rows = await requestsIn(db, providerId ? { providerId, locationId } : { councilIds: councils, locationId }, { limit: 20 })
    return rows.map((r) => view(r, now))
  }

  return { formFor, itemsForLocation, check, send, list, get, decide, pick, dispatch, deliver, forProviderHome, forLocation }
}

export type RequestService = ReturnType<typeof createRequestService>
