import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isoDateFromParts, londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { chargingRulesOf } from './charging.repository.ts'
import { councilToManage, maySeeRequest } from './domain/access.rules.ts'
import { chargeForIssue } from './domain/charging.rules.ts'
import { checkApproval, checkDelivery } from './domain/request.rules.ts'
import { notEnoughStock } from './domain/stock.rules.ts'
import { takeStock } from './ledger.repository.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import type { PpeRequestStatus } from './ppe-supply.tables.ts'
import { Refused } from './refused.ts'
import { findRequest, linesOf } from './requests.repository.ts'
import { pricesOf, storesOf } from './stock.repository.ts'

type Row = NonNullable<Awaited<ReturnType<typeof findRequest>>>
type Audit = (
  trx: DbOrTransaction,
  actor: Actor,
  councilId: string,
  requestId: string,
  action: (typeof PpeAuditAction)[keyof typeof PpeAuditAction],
  after: unknown,
) => Promise<void>
type RequestForm = Record<string, string>

// A request's steps after it is asked: decided (approved in full or in part, or declined with a
// reason), picked from a store, dispatched (the stock leaves in the same transaction) and delivered.
export function createRequestSteps(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps

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
          return {
            ok: false as const,
            errors: { status: `This request is already ${r.status}: refresh the page` },
          }
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
        if (!reason)
          return {
            ok: false,
            errors: { declineReason: 'Enter why the request is declined: the provider will see it' },
          }
        if (reason.length > 1000)
          return { ok: false, errors: { declineReason: 'Reason must be 1,000 characters or fewer' } }
        await trx
          .updateTable('ppeRequests')
          .set({
            status: 'declined',
            declineReason: reason,
            decidedBy: actor.userId,
            decidedAt: now,
            updatedAt: now,
          })
          .where('id', '=', r.id)
          .execute()
        await audit(trx, actor, r.councilId, r.id, PpeAuditAction.requestDeclined, { reason })
        return { ok: true, value: null }
      }
      if (form.decision !== 'approve')
        return { ok: false, errors: { decision: 'Select whether to approve or decline the request' } }
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
        .set({
          status: 'approved',
          partApproved: checked.part,
          decidedBy: actor.userId,
          decidedAt: now,
          updatedAt: now,
        })
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
      const prices = await pricesOf(
        trx,
        lines.map((l) => l.itemId),
      )
      for (const line of lines) {
        const quantity = line.quantityApproved!
        const own = prices.filter((p) => p.itemId === line.itemId)
        const taken = await takeStock(
          trx,
          { storeId: r.storeId!, itemId: line.itemId, kind: 'issue', quantity },
          {
            occurredOn: onDate,
            recordedBy: actor.userId,
            recordedAt: now,
            locationId: r.locationId,
            requestId: r.id,
            route: 'emergency',
          },
          (m) =>
            chargeForIssue(rules, own, {
              itemId: line.itemId,
              route: 'emergency',
              onDate,
              quantity: m.quantity,
            }),
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

  return { decide, pick, dispatch, deliver }
}
