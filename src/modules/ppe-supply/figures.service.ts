import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import {
  addDaysToIsoDate,
  isIsoDate,
  isoDateFromParts,
  londonDate,
  londonInstant,
} from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  chargeableIssues,
  chargingRulesOf,
  deliveryHours,
  issuedFigures,
  openRequestCount,
  recoveryChangesOf,
} from './charging.repository.ts'
import { councilsToRead, councilToManage } from './domain/access.rules.ts'
import { recoveryPausedOn } from './domain/charging.rules.ts'
import { median } from './domain/request.rules.ts'
import { stockCoverDays } from './domain/stock.rules.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import { itemsOf, storeBalances } from './stock.repository.ts'

export type DateRange = { from: string; to: string }

// The charging policy, the chargeable-issues list, and PPE figures for a date range.
// The same, read through a given connection (inside another capability's transaction: a published
// provider-support return is built in its publication's).
export async function valueIssuedIn(db: DbOrTransaction, councilId: string, from: string, to: string) {
  const rows = await issuedFigures(db, councilId, from, to)
  const freePence = rows.reduce((s, r) => s + r.freePence, 0)
  const chargedPence = rows.reduce((s, r) => s + r.chargedPence, 0)
  return {
    units: rows.reduce((s, r) => s + r.units, 0),
    freePence,
    chargedPence,
    totalPence: freePence + chargedPence,
  }
}

export function createFiguresService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())
  // The council whose figures the actor reads: the one they work for, or the first they serve.
  const councilOf = (actor: Actor) => councilToManage(actor) ?? councilsToRead(actor)[0] ?? null

  // A range from the query: two ISO dates, from not after to; the last 12 weeks when not given.
  function rangeFrom(query: { from?: string; to?: string }): Outcome<DateRange> {
    const to = query.to?.trim() || today()
    // Without a start: the 12 weeks to the end, when the end is a date (else only the end is wrong).
    const from = query.from?.trim() || (isIsoDate(to) ? addDaysToIsoDate(to, -83) : to)
    const errors: Record<string, string> = {}
    if (query.from?.trim() && !isIsoDate(from))
      errors.from = 'The start date must be a real date, like 2020-04-01'
    if (!isIsoDate(to)) errors.to = 'The end date must be a real date, like 2020-06-30'
    if (!errors.from && !errors.to && from > to)
      errors.to = 'The end date must be the same as or after the start date'
    return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { from, to } }
  }

  async function policy(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    return {
      rules: await chargingRulesOf(db, councilId),
      recovery: await recoveryChangesOf(db, councilId),
      recoveryPausedToday: recoveryPausedOn(await recoveryChangesOf(db, councilId), today()),
      items: await itemsOf(db, [councilId]),
      mayManage: councilToManage(actor) === councilId,
    }
  }

  const dateFrom = (form: Record<string, string>, name: string) =>
    isoDateFromParts({
      day: form[`${name}-day`] ?? '',
      month: form[`${name}-month`] ?? '',
      year: form[`${name}-year`] ?? '',
    })

  async function addChargingRule(actor: Actor, form: Record<string, string>): Promise<Outcome<null> | null> {
    const councilId = councilToManage(actor)
    if (!councilId) return null
    const errors: Record<string, string> = {}
    const effectiveFrom = dateFrom(form, 'effectiveFrom')
    if (!effectiveFrom) errors.effectiveFrom = 'Enter the date the rule starts, like 26 5 2020'
    const items = await itemsOf(db, [councilId])
    const itemId = form.itemId || null
    if (itemId && !items.some((i) => i.id === itemId)) errors.itemId = 'Select an item, or every item'
    const route = form.route || null
    if (route && route !== 'emergency' && route !== 'order') errors.route = 'Select a route, or every route'
    if (form.charge !== 'free' && form.charge !== 'chargeable') errors.charge = 'Select free or chargeable'
    const note = (form.note ?? '').trim()
    if (note.length > 500) errors.note = 'Note must be 500 characters or fewer'
    if (Object.keys(errors).length || !effectiveFrom) return { ok: false, errors }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ppeChargingRules')
        .values({
          councilId,
          effectiveFrom,
          itemId,
          route: route as 'emergency' | 'order' | null,
          charge: form.charge as 'free' | 'chargeable',
          note: note || null,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: PpeAuditAction.chargingRuleAdded,
        entityType: 'ppe_charging_rule',
        entityId: row.id,
        after: { effectiveFrom, itemId, route, charge: form.charge, note },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  async function changeRecovery(actor: Actor, form: Record<string, string>): Promise<Outcome<null> | null> {
    const councilId = councilToManage(actor)
    if (!councilId) return null
    const errors: Record<string, string> = {}
    const effectiveFrom = dateFrom(form, 'recoveryFrom')
    if (!effectiveFrom) errors.recoveryFrom = 'Enter the date it takes effect, like 26 5 2020'
    if (form.paused !== 'yes' && form.paused !== 'no') errors.paused = 'Select pause or resume recovery'
    const note = (form.recoveryNote ?? '').trim()
    if (note.length > 500) errors.recoveryNote = 'Note must be 500 characters or fewer'
    if (Object.keys(errors).length || !effectiveFrom) return { ok: false, errors }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ppeRecoveryChanges')
        .values({
          councilId,
          effectiveFrom,
          paused: form.paused === 'yes',
          note: note || null,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: PpeAuditAction.recoveryChanged,
        entityType: 'ppe_recovery',
        entityId: null,
        after: { effectiveFrom, paused: form.paused === 'yes', note },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // The chargeable issues in a range, per provider, with their totals.
  async function chargeable(actor: Actor, range: DateRange, providerId?: string) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    // A provider that is not an id (an address typed by hand) has no issues: the database is not asked.
    const wanted = providerId?.trim()
    const rows =
      wanted && !isUuid(wanted)
        ? []
        : await chargeableIssues(db, councilId, range.from, range.to, wanted || undefined)
    const providers = new Map<
      string,
      { providerId: string; providerName: string; totalPence: number; lines: number }
    >()
    for (const r of rows) {
      const p = providers.get(r.providerId) ?? {
        providerId: r.providerId,
        providerName: r.providerName,
        totalPence: 0,
        lines: 0,
      }
      p.totalPence += r.chargedPence
      p.lines += 1
      providers.set(r.providerId, p)
    }
    return {
      rows,
      providers: [...providers.values()],
      totalPence: rows.reduce((s, r) => s + r.chargedPence, 0),
      recoveryPaused: recoveryPausedOn(await recoveryChangesOf(db, councilId), today()),
    }
  }

  // PPE issued in a council between two dates (inclusive): what the public provider-support return
  // counts. For other capabilities, which check their own actor's access to the council first.
  const valueIssuedInCouncil = (councilId: string, from: string, to: string) =>
    valueIssuedIn(db, councilId, from, to)

  // The dashboard's PPE panel: requests open, median hours to delivery (last 28 days), store cover.
  async function panel(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    const now = clock.now()
    const balances = await storeBalances(db, [councilId], today())
    const byItem = new Map<string, { itemName: string; unit: string; balance: number; issued14: number }>()
    for (const b of balances) {
      const it = byItem.get(b.itemId) ?? { itemName: b.itemName, unit: b.unit, balance: 0, issued14: 0 }
      it.balance += b.balance
      it.issued14 += b.issued14
      byItem.set(b.itemId, it)
    }
    const since = londonInstant(addDaysToIsoDate(today(), -27))
    const hours = median(await deliveryHours(db, councilId, since, now))
    return {
      openRequests: await openRequestCount(db, councilId),
      medianHoursToDelivery: hours === null ? null : Math.round(hours * 10) / 10,
      cover: [...byItem.values()].map((i) => ({ ...i, coverDays: stockCoverDays(i.balance, i.issued14) })),
      lowStock: balances.filter((b) => b.threshold !== null && b.balance < b.threshold),
    }
  }

  async function figures(actor: Actor, range: DateRange) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    const rows = await issuedFigures(db, councilId, range.from, range.to)
    return {
      rows,
      totals: await valueIssuedInCouncil(councilId, range.from, range.to),
      panel: await panel(actor),
    }
  }

  return {
    rangeFrom,
    policy,
    addChargingRule,
    changeRecovery,
    chargeable,
    valueIssuedInCouncil,
    panel,
    figures,
  }
}

export type FiguresService = ReturnType<typeof createFiguresService>
