import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { type FieldErrors, isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { computeRun } from './domain/calculation.ts'
import { daysInclusive } from './domain/dates.ts'
import { parseMoney, pounds } from './domain/money.ts'
import { parseDate } from './domain/package-rows.ts'
import { runInputs, schemesOf } from './packages.repository.ts'
import { paymentsAuditActions as actions } from './payments.audit-actions.ts'
import {
  findRun,
  insertRun,
  lineColumns,
  listRuns,
  nextRunReference,
  overlappingRun,
  providerTotals,
} from './runs.repository.ts'

// Payment runs: computed for a period from the schemes and packages, reviewed (a line may be held with
// a reason), approved by a second finance officer (never the one who prepared it), then unchangeable;
// a correction is a new adjusting run. Payment dates are recorded when the money reaches providers.

// The council whose payments an actor works: their own (payments are a council's business).
export const councilOf = (actor: Actor) =>
  actor.organisationKind === 'council' ? actor.organisationId : null

export function createRunService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const mayRead = (actor: Actor) => (can(actor, 'payments:read') ? councilOf(actor) : null)
  const mayPrepare = (actor: Actor) => (can(actor, 'payments:prepare') ? councilOf(actor) : null)

  async function list(actor: Actor) {
    const council = mayRead(actor)
    return council ? listRuns(db, council) : null
  }

  // Computes a run for the period and saves it as prepared: nothing is paid until it is approved.
  async function prepare(
    actor: Actor,
    form: { from: string; to: string },
  ): Promise<Outcome<{ id: string }> | null> {
    const council = mayPrepare(actor)
    if (!council) return null
    const errors: FieldErrors = {}
    const from = parseDate(form.from)
    const to = parseDate(form.to)
    if (!form.from) errors.fromDate = 'Enter the first day of the period'
    else if (!from) errors.fromDate = 'The first day must be a real date'
    if (!form.to) errors.toDate = 'Enter the last day of the period'
    else if (!to) errors.toDate = 'The last day must be a real date'
    else if (from && to < from) errors.toDate = 'The last day must be the same as or after the first day'
    else if (from && daysInclusive(from, to) > 366) errors.toDate = 'A run can cover at most a year'
    if (!errors.fromDate && !errors.toDate && from && to) {
      const clash = await overlappingRun(db, council, from, to)
      if (clash)
        errors.fromDate = `Run ${clash.reference} already pays ${clash.periodStart} to ${clash.periodEnd}: choose a period that does not overlap it`
    }
    if (Object.keys(errors).length || !from || !to) return { ok: false, errors }
    const period = { from, to }
    const schemes = await schemesOf(db, council)
    const occupancy = schemes.some(
      (s) => s.kind === 'void_beds' && s.voidBedsFrom === 'returns' && s.startsOn <= to && s.endsOn >= from,
    )
    const inputs = await runInputs(db, council, period, { occupancy })
    const lines = computeRun({ period, schemes, ...inputs })
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const reference = await nextRunReference(trx, council)
      const run = await insertRun(
        trx,
        {
          councilId: council,
          reference,
          kind: 'standard',
          adjustsRunId: null,
          periodStart: from,
          periodEnd: to,
          preparedBy: actor.userId,
          preparedAt: now,
        },
        lines,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.runPrepared,
        entityType: 'payment_run',
        entityId: run.id,
        after: { reference, periodStart: from, periodEnd: to, lines: lines.length, totalPence: run.total },
        occurredAt: now,
      })
      return run.id
    })
    return { ok: true, value: { id } }
  }

  async function get(actor: Actor, id: string, page = 1, pageSize = 50) {
    const council = mayRead(actor)
    if (!council || !isUuid(id)) return null
    const run = await findRun(db, council, id)
    if (!run) return null
    const [providers, lines, count] = await Promise.all([
      providerTotals(db, id),
      lineColumns(db)
        .where('l.runId', '=', id)
        .orderBy('providerName')
        .orderBy('l.id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      db
        .selectFrom('paymentLines')
        .where('runId', '=', id)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ])
    const prepared = run.status === 'prepared'
    return {
      run,
      providers,
      lines,
      lineCount: Number(count.n),
      mayHold: prepared && can(actor, 'payments:prepare'),
      mayApprove: prepared && can(actor, 'payments:approve') && run.preparedBy !== actor.userId,
      preparedByYou: run.preparedBy === actor.userId,
      mayRecordPayment: run.status === 'approved' && can(actor, 'payments:prepare') && !run.paidOn,
    }
  }

  async function getLine(actor: Actor, id: string) {
    const council = mayRead(actor)
    if (!council || !isUuid(id)) return null
    const line = await lineColumns(db)
      .where('l.id', '=', id)
      .where('r.councilId', '=', council)
      .executeTakeFirst()
    if (!line) return null
    const corrections = await lineColumns(db).where('l.correctsLineId', '=', id).execute()
    return {
      line,
      corrections,
      mayHold: line.runStatus === 'prepared' && !line.held && can(actor, 'payments:prepare'),
      mayCorrect: line.runStatus === 'approved' && can(actor, 'payments:prepare'),
    }
  }

  // A line kept out of the payment, with the reason, while the run is still being reviewed.
  async function hold(
    actor: Actor,
    lineId: string,
    reason: string,
  ): Promise<Outcome<{ runId: string }> | null> {
    const found = await getLine(actor, lineId)
    if (!found || !can(actor, 'payments:prepare')) return null
    const text = reason.trim()
    if (found.line.runStatus !== 'prepared')
      return {
        ok: false,
        errors: {
          reason: 'This run has been approved: its lines cannot be changed. Correct it with an adjusting run',
        },
      }
    if (found.line.held) return { ok: false, errors: { reason: 'This line is already held' } }
    if (!text) return { ok: false, errors: { reason: 'Enter why the line is held' } }
    if (text.length > 500)
      return { ok: false, errors: { reason: 'The reason must be 500 characters or fewer' } }
    const now = clock.now()
    const changed = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('paymentLines')
        .set({ held: true, holdReason: text })
        .where('id', '=', lineId)
        .where('held', '=', false)
        .where('runId', 'in', trx.selectFrom('paymentRuns').where('status', '=', 'prepared').select('id'))
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) !== 1) return false
      const amount = Number(found.line.amountPence)
      await trx
        .updateTable('paymentRuns')
        .set({
          heldPence: sql`held_pence + ${amount}`,
          totalPence: sql`total_pence - ${amount}`,
        })
        .where('id', '=', found.line.runId)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.line.councilId,
        action: actions.lineHeld,
        entityType: 'payment_line',
        entityId: lineId,
        after: { reason: text, amountPence: amount, run: found.line.runReference },
        occurredAt: now,
      })
      return true
    })
    if (!changed) return { ok: false, errors: { reason: 'This line can no longer be held' } }
    return { ok: true, value: { runId: found.line.runId } }
  }

  // Four eyes: a second finance officer approves, once; the database refuses the preparer too.
  async function approve(actor: Actor, runId: string): Promise<Outcome<{ id: string }> | null> {
    const council = can(actor, 'payments:approve') ? councilOf(actor) : null
    if (!council || !isUuid(runId)) return null
    const run = await findRun(db, council, runId)
    if (!run) return null
    const refuse = (message: string) => ({ ok: false as const, errors: { approve: message } })
    if (run.status === 'approved') return refuse('This run has already been approved')
    if (run.preparedBy === actor.userId)
      return refuse('You prepared this run: another finance officer must approve it')
    const now = clock.now()
    const approved = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('paymentRuns')
        .set({ status: 'approved', approvedBy: actor.userId, approvedAt: now })
        .where('id', '=', runId)
        .where('status', '=', 'prepared')
        .where('preparedBy', '<>', actor.userId)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) !== 1) return false
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.runApproved,
        entityType: 'payment_run',
        entityId: runId,
        after: {
          reference: run.reference,
          totalPence: Number(run.totalPence),
          heldPence: Number(run.heldPence),
        },
        occurredAt: now,
      })
      return true
    })
    return approved ? { ok: true, value: { id: runId } } : refuse('This run has already been approved')
  }

  // The day the money reached the providers, for every line of an approved run not held.
  async function recordPayment(
    actor: Actor,
    runId: string,
    dateText: string,
  ): Promise<Outcome<{ id: string }> | null> {
    const council = mayPrepare(actor)
    if (!council || !isUuid(runId)) return null
    const run = await findRun(db, council, runId)
    if (!run) return null
    const paidOn = parseDate(dateText)
    const today = londonDate(clock.now())
    const refuse = (message: string) => ({ ok: false as const, errors: { paidDate: message } })
    if (run.status !== 'approved') return refuse('The run must be approved before it is paid')
    if (run.paidOn) return refuse('The payment date of this run is already recorded')
    if (!dateText) return refuse('Enter the date the money reached the providers')
    if (!paidOn) return refuse('The payment date must be a real date')
    if (paidOn > today) return refuse('The payment date must be today or in the past')
    if (run.approvedAt && paidOn < londonDate(new Date(run.approvedAt)))
      return refuse('The payment date cannot be before the run was approved')
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('paymentLines')
        .set({ paidOn })
        .where('runId', '=', runId)
        .where('held', '=', false)
        .where('paidOn', 'is', null)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.paymentRecorded,
        entityType: 'payment_run',
        entityId: runId,
        after: { reference: run.reference, paidOn },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id: runId } }
  }

  // A correction of an approved line: a new adjusting run paying the difference, to be approved like
  // any run. The line and its run stay as they were; both stand in the history.
  async function correct(
    actor: Actor,
    lineId: string,
    form: { amount: string; reason: string },
  ): Promise<Outcome<{ id: string }> | null> {
    const found = await getLine(actor, lineId)
    const council = mayPrepare(actor)
    if (!found || !council) return null
    const errors: FieldErrors = {}
    const should = parseMoney(form.amount)
    if (found.line.runStatus !== 'approved') errors.amount = 'Only a line of an approved run is corrected'
    else if (!form.amount.trim()) errors.amount = 'Enter the amount the line should have paid'
    else if (should === null) errors.amount = 'The amount must be an amount of money, like 1250.00'
    else if (should < 0) errors.amount = 'The amount cannot be negative'
    const reason = form.reason.trim()
    if (!reason) errors.reason = 'Enter why the line is corrected'
    else if (reason.length > 500) errors.reason = 'The reason must be 500 characters or fewer'
    const was = found.line.held ? 0 : Number(found.line.amountPence)
    if (!Object.keys(errors).length && should === was) errors.amount = `The line already paid ${pounds(was)}`
    if (Object.keys(errors).length || should === null) return { ok: false, errors }
    const original = await findRun(db, council, found.line.runId)
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const reference = await nextRunReference(trx, council)
      const { line } = found
      const run = await insertRun(
        trx,
        {
          councilId: council,
          reference,
          kind: 'adjusting',
          adjustsRunId: line.runId,
          periodStart: original!.periodStart,
          periodEnd: original!.periodEnd,
          preparedBy: actor.userId,
          preparedAt: now,
        },
        [
          {
            schemeId: '',
            providerId: line.providerId,
            packageId: null,
            locationId: null,
            serviceType: line.serviceType,
            contracted: line.contracted,
            amountPence: should - was,
            correctsLineId: line.id,
            explanation: `correction of ${line.runReference}: paid ${pounds(was)}, should have paid ${pounds(should)} (${reason}) = ${pounds(should - was)}`,
          },
        ],
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.adjustingRunPrepared,
        entityType: 'payment_run',
        entityId: run.id,
        after: { reference, corrects: line.id, wasPence: was, shouldPence: should, reason },
        occurredAt: now,
      })
      return run.id
    })
    return { ok: true, value: { id } }
  }

  // Every line of a run, for the council's finance system.
  async function exportLines(actor: Actor, runId: string) {
    const council = mayRead(actor)
    if (!council || !isUuid(runId)) return null
    const run = await findRun(db, council, runId)
    if (!run) return null
    const lines = await lineColumns(db)
      .where('l.runId', '=', runId)
      .orderBy('providerName')
      .orderBy('l.id')
      .execute()
    return { run, lines }
  }

  return { list, prepare, get, getLine, hold, approve, recordPayment, correct, exportLines }
}

export type RunService = ReturnType<typeof createRunService>
