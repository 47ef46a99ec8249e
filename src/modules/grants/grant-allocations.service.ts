import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { dateInWords, isoDateFromParts, londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { parsePounds, pounds } from './domain/money.ts'
import { checkSpend, spendSummary, trancheAmounts } from './domain/spend.ts'
import { roundOpenData } from './grants-open-data.ts'
import { grantsAuditActions as actions } from './grants.audit-actions.ts'
import {
  allocationsOf,
  committedAllocations,
  findAllocation,
  findRound,
  paymentsOf,
  roundsOf,
  spendReturnOf,
  tranchesOf,
} from './grants.repository.ts'

export type DecisionForm = { decision: string; name: string }
export type RecoveryForm = { amount: string; day: string; month: string; year: string }

// What happens to a committed round's money: the providers' answers, the tranches paid, the spend
// returned, what is clawed back and recovered; what each provider and location sees of it.
export function createGrantAllocationService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const councilReads = (actor: Actor, councilId: string) =>
    can(actor, 'grants:read') && actor.councilIds.includes(councilId)
  const councilManages = (actor: Actor, councilId: string) =>
    can(actor, 'grants:manage') && actor.organisationId === councilId
  const providerOwns = (actor: Actor, providerId: string) =>
    can(actor, 'grants:respond') && actor.providerId === providerId

  // One allocation with its round, for the provider it is for or the council's readers.
  async function loadAllocation(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const allocation = await findAllocation(db, id)
    if (!allocation) return null
    const round = await findRound(db, allocation.roundId)
    if (round?.status !== 'committed') return null
    const isProvider = providerOwns(actor, allocation.providerId)
    if (!isProvider && !councilReads(actor, round.councilId)) return null
    return { allocation, round, isProvider }
  }

  async function allocation(actor: Actor, id: string) {
    const found = await loadAllocation(actor, id)
    if (!found) return null
    const tranches = await tranchesOf(db, found.round.id)
    const payments = await paymentsOf(db, [id])
    const shares = trancheAmounts(
      found.allocation.amountPence,
      tranches.map((t) => t.shareBp),
    )
    return {
      ...found,
      tranches: tranches.map((t, i) => ({
        ...t,
        duePence: shares[i]!,
        payment: payments.find((p) => p.trancheId === t.id) ?? null,
      })),
      receivedPence: payments.reduce((s, p) => s + p.amountPence, 0n),
      spendReturn: await spendReturnOf(db, id),
      mayDecide: found.isProvider && found.allocation.eligible && found.allocation.decision === null,
      mayReturnSpend: found.isProvider && found.allocation.decision === 'accepted' && payments.length > 0,
      mayRecover: councilManages(actor, found.round.councilId),
    }
  }

  // The provider accepts or declines the terms: a named person, on today's date.
  async function decide(
    actor: Actor,
    id: string,
    form: DecisionForm,
  ): Promise<Outcome<{ decision: string }> | null> {
    const found = await loadAllocation(actor, id)
    if (!found?.isProvider || !found.allocation.eligible) return null
    const errors: Record<string, string> = {}
    if (form.decision !== 'accepted' && form.decision !== 'declined')
      errors.decision = 'Select whether you accept or decline the terms'
    const name = form.name.trim()
    if (!name) errors.name = 'Enter the name of the person accepting or declining'
    else if (name.length > 100) errors.name = 'The name must be 100 characters or fewer'
    if (found.allocation.decision !== null) errors.decision = 'The terms have already been answered'
    if (Object.keys(errors).length) return { ok: false, errors }
    const now = clock.now()
    const decision = form.decision as 'accepted' | 'declined'
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('grantAllocations')
        .set({ decision, decidedByName: name, decidedOn: londonDate(now), decidedBy: actor.userId })
        .where('id', '=', id)
        .where('decision', 'is', null)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.round.councilId,
        action: decision === 'accepted' ? actions.termsAccepted : actions.termsDeclined,
        entityType: 'grant-allocation',
        entityId: id,
        after: { decision, name, amountPence: String(found.allocation.amountPence) },
        occurredAt: now,
      })
    })
    return { ok: true, value: { decision } }
  }

  // Finance records a tranche paid to every provider that accepted and has not yet been paid it.
  async function recordTranche(
    actor: Actor,
    roundId: string,
    trancheId: string,
    form: { day: string; month: string; year: string },
  ): Promise<Outcome<{ payments: number; totalPence: bigint }> | null> {
    if (!isUuid(roundId) || !isUuid(trancheId)) return null
    const round = await findRound(db, roundId)
    if (!round || !councilManages(actor, round.councilId) || round.status !== 'committed') return null
    const tranches = await tranchesOf(db, roundId)
    const index = tranches.findIndex((t) => t.id === trancheId)
    if (index < 0) return null
    const paidOn = isoDateFromParts(form)
    if (!paidOn)
      return {
        ok: false,
        errors: { paidOn: 'Enter the date the tranche was paid as a real date, like 29 5 2020' },
      }
    if (paidOn < round.roundDate)
      return {
        ok: false,
        errors: {
          paidOn: `The payment date must be on or after the round’s date, ${dateInWords(round.roundDate)}`,
        },
      }
    const paid = new Set(
      (
        await paymentsOf(
          db,
          (await allocationsOf(db, roundId)).map((a) => a.id),
        )
      )
        .filter((p) => p.trancheId === trancheId)
        .map((p) => p.allocationId),
    )
    const due = (await allocationsOf(db, roundId)).filter((a) => a.decision === 'accepted' && !paid.has(a.id))
    if (due.length === 0)
      return { ok: false, errors: { paidOn: 'Every provider that accepted has been paid this tranche' } }
    const shares = tranches.map((t) => t.shareBp)
    const now = clock.now()
    const rows = due.map((a) => ({
      allocationId: a.id,
      trancheId,
      amountPence: trancheAmounts(a.amountPence, shares)[index]!,
      paidOn,
      recordedBy: actor.userId,
      recordedAt: now,
    }))
    const totalPence = rows.reduce((s, r) => s + r.amountPence, 0n)
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 1000)
        await trx
          .insertInto('grantPayments')
          .values(rows.slice(i, i + 1000))
          .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: round.councilId,
        action: actions.tranchePaid,
        entityType: 'grant-round',
        entityId: roundId,
        after: {
          tranche: tranches[index]!.number,
          paidOn,
          payments: rows.length,
          totalPence: String(totalPence),
        },
        occurredAt: now,
      })
    })
    return { ok: true, value: { payments: rows.length, totalPence } }
  }

  // The provider's spending by measure: checked against the allocation; what is unspent is clawed back
  // when the round says so.
  async function submitSpend(actor: Actor, id: string, typed: string[]) {
    const found = await allocation(actor, id)
    if (!found?.mayReturnSpend) return null
    if (found.spendReturn)
      return { ok: false as const, errors: { 'measure-0': 'Spending has already been returned' } }
    const checked = checkSpend(
      found.allocation.amountPence,
      found.round.measuresAllowed,
      typed,
      found.round.clawbackUnspent,
    )
    if (!checked.ok) return checked
    const now = clock.now()
    const v = checked.value
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('grantSpendReturns')
        .values({
          allocationId: id,
          amounts: JSON.stringify(v.amounts.map(String)),
          spentPence: v.spentPence,
          unspentPence: v.unspentPence,
          clawbackPence: v.clawbackPence,
          submittedBy: actor.userId,
          submittedAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.round.councilId,
        action: actions.spendReturned,
        entityType: 'grant-allocation',
        entityId: id,
        after: {
          amounts: v.amounts.map(String),
          spentPence: String(v.spentPence),
          clawbackPence: String(v.clawbackPence),
        },
        occurredAt: now,
      })
    })
    return { ok: true as const, value: v }
  }

  // Finance records money clawed back as recovered (part or all of it).
  async function recordRecovery(
    actor: Actor,
    id: string,
    form: RecoveryForm,
  ): Promise<Outcome<{ recoveredPence: bigint }> | null> {
    const found = await allocation(actor, id)
    if (!found?.mayRecover || !found.spendReturn || found.spendReturn.clawbackPence === 0n) return null
    const errors: Record<string, string> = {}
    const amount = parsePounds(form.amount)
    const outstanding = found.spendReturn.clawbackPence - found.spendReturn.recoveredPence
    if (amount === null || amount <= 0n)
      errors.amount = 'The amount recovered must be an amount of money, like £1,200.00'
    else if (amount > outstanding)
      errors.amount = `The amount recovered must not be more than the ${pounds(outstanding)} outstanding`
    const recoveredOn = isoDateFromParts(form)
    if (!recoveredOn)
      errors.recoveredOn = 'Enter the date the money was recovered as a real date, like 30 9 2020'
    if (Object.keys(errors).length) return { ok: false, errors }
    const now = clock.now()
    const total = found.spendReturn.recoveredPence + amount!
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('grantSpendReturns')
        .set({ recoveredPence: String(total) as never, recoveredOn })
        .where('allocationId', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.round.councilId,
        action: actions.clawbackRecovered,
        entityType: 'grant-allocation',
        entityId: id,
        before: { recoveredPence: String(found.spendReturn!.recoveredPence) },
        after: { recoveredPence: String(total), recoveredOn },
        occurredAt: now,
      })
    })
    return { ok: true, value: { recoveredPence: total } }
  }

  // The council's return to government for a round (the latest committed one when none is named).
  async function spendReport(actor: Actor, roundId: string) {
    if (!can(actor, 'grants:read') || actor.councilIds.length === 0) return null
    let id = roundId
    if (!id) id = (await roundsOf(db, actor.councilIds)).find((r) => r.status === 'committed')?.id ?? ''
    if (!id) return { round: null, summary: spendSummary([], []) }
    if (!isUuid(id)) return null
    const round = await findRound(db, id)
    if (!round || !councilReads(actor, round.councilId)) return null
    const returns = (await allocationsOf(db, id)).flatMap((a) =>
      a.spendAmounts ? [{ amounts: a.spendAmounts }] : [],
    )
    return { round, summary: spendSummary(round.measuresAllowed, returns) }
  }

  // The round's grants as a 360Giving file: each accepted allocation, with its recorded payments.
  async function openData(actor: Actor, roundId: string) {
    if (!isUuid(roundId)) return null
    const round = await findRound(db, roundId)
    if (round?.status !== 'committed' || !councilReads(actor, round.councilId)) return null
    return roundOpenData(db, round)
  }

  // What a provider is owed, has accepted and has received, per location and round.
  const panelRows = (rows: Awaited<ReturnType<typeof committedAllocations>>) =>
    rows.map((r) => ({
      id: r.id,
      roundName: r.roundName,
      locationName: r.locationName,
      eligible: r.eligible,
      reason: r.reason,
      decision: r.decision,
      decidedOn: r.decidedOn ? dateInWords(r.decidedOn) : null,
      decidedByName: r.decidedByName,
      owed: pounds(r.amountPence),
      accepted: r.decision === 'accepted' ? pounds(r.amountPence) : pounds(0n),
      received: pounds(r.paidPence),
      spent: r.spentPence === null ? null : pounds(r.spentPence),
    }))

  async function homePanel(actor: Actor) {
    if (!can(actor, 'grants:respond') || !actor.providerId) return null
    const rows = await committedAllocations(db, { providerId: actor.providerId })
    if (rows.length === 0) return null
    return { rows: panelRows(rows), waiting: rows.filter((r) => r.eligible && r.decision === null).length }
  }

  async function locationPanel(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const rows = await committedAllocations(db, { locationId })
    const shown = rows.filter((r) => providerOwns(actor, r.providerId) || councilReads(actor, r.councilId))
    return shown.length ? panelRows(shown) : null
  }

  return {
    allocation,
    decide,
    recordTranche,
    submitSpend,
    recordRecovery,
    spendReport,
    openData,
    homePanel,
    locationPanel,
  }
}
