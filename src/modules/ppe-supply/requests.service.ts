import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  councilsToRead,
  councilToManage,
  maySeeRequest,
  providerToRequestFor,
} from './domain/access.rules.ts'
import {
  dueAt,
  isOverdue,
  nextStep,
  openStatuses,
  prioritise,
  waitedText,
  worstFirst,
} from './domain/request.rules.ts'
import { parseQuantity } from './domain/stock.rules.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import type { PpeRequestStatus } from './ppe-supply.tables.ts'
import { createRequestSteps } from './request-steps.ts'
import {
  findRequest,
  issuesFor,
  linesOf,
  locationForRequest,
  locationsForRequests,
  priorityRulesFor,
  requestsIn,
  returnsAskingForPpe,
} from './requests.repository.ts'
import { itemsOf, storesOf } from './stock.repository.ts'

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
    waited: waitedText(
      r.requestedAt,
      r.deliveredAt ?? (r.status === 'declined' ? (r.decidedAt ?? now) : now),
    ),
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
    const lines: {
      itemId: string
      itemName: string
      unit: string
      quantity: number
      coverDays: number | null
    }[] = []
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
        const c = parseQuantity(
          coverRaw,
          { missing: '', label: `Days of ${item.name} left` },
          { allowZero: true, max: 365 },
        )
        if (!c.ok) errors[`cover-${item.id}`] = c.error
        else coverDays = c.value
      }
      if (q.ok)
        lines.push({ itemId: item.id, itemName: item.name, unit: item.unit, quantity: q.value, coverDays })
    }
    if (
      location &&
      lines.length === 0 &&
      !Object.keys(errors).some((k) => k.startsWith('quantity-') || k === 'items')
    )
      errors.items = 'Enter how many you need of at least one item'
    if (!['yes', 'no'].includes(form.hasCases ?? ''))
      errors.hasCases = 'Select whether you have cases of COVID-19'
    if (!['yes', 'no'].includes(form.outbreak ?? '')) errors.outbreak = 'Select whether you have an outbreak'
    const notes = (form.notes ?? '').trim()
    if (notes.length > 1000) errors.notes = 'Notes must be 1,000 characters or fewer'
    if (Object.keys(errors).length || !location?.councilId) return { ok: false as const, errors, items }
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
        .values(
          v.lines.map((l) => ({
            requestId: row.id,
            itemId: l.itemId,
            quantityAsked: l.quantity,
            coverDays: l.coverDays,
            quantityApproved: null,
          })),
        )
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

  // A provider's requests for its home page; a recent decline's reason goes at the top of it.
  async function forProviderHome(actor: Actor) {
    const providerId = providerToRequestFor(actor)
    if (!providerId) return null
    const now = clock.now()
    const rows = (await requestsIn(db, { providerId }, { limit: 10 })).map((r) => view(r, now))
    const fortnightAgo = now.getTime() - 14 * 86_400_000
    const declined = rows.filter(
      (r) => r.status === 'declined' && (r.decidedAt?.getTime() ?? 0) >= fortnightAgo,
    )
    // A return that asked for help with PPE in the last fortnight, with no request made since.
    const helpAsked = await returnsAskingForPpe(db, providerId, new Date(fortnightAgo))
    return { requests: rows, declined, helpAsked }
  }

  // The requests of one location, for its page and its case's page (null: not the actor's to see).
  async function forLocation(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const providerId = providerToRequestFor(actor)
    const councils = councilsToRead(actor)
    if (!providerId && councils.length === 0) return null
    const now = clock.now()
    const rows = await requestsIn(
      db,
      providerId ? { providerId, locationId } : { councilIds: councils, locationId },
      { limit: 20 },
    )
    return rows.map((r) => view(r, now))
  }

  return {
    formFor,
    itemsForLocation,
    check,
    send,
    list,
    get,
    ...createRequestSteps({ db, clock, audit }),
    forProviderHome,
    forLocation,
  }
}

export type RequestService = ReturnType<typeof createRequestService>
