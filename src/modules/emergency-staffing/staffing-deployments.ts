import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { type FieldErrors, isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import {
  costPence,
  minutesFromHours,
  overspendBy,
  type RequestForm,
  validateDeployment,
} from './domain/staffing.rules.ts'
import { staffingAuditActions as actions } from './emergency-staffing.audit-actions.ts'
import { deploymentEntityType, lockBudget } from './staffing.repository.ts'
import type { AuditFor, StaffingPoolService } from './staffing-pool.service.ts'

// Deployments: who goes to which shift, paid from which budget; the hours worked; cancelling. A
// deployment that takes a budget below zero is saved only when confirmed, recording who confirmed.
export function deploymentUseCases(deps: {
  db: Db
  clock: Clock
  audit: AuditFor
  team: (actor: Actor) => Promise<boolean>
  matchesFor: (
    actor: Actor,
    shiftId: string,
    audited?: boolean,
  ) => ReturnType<StaffingPoolService['matchesFor']>
}) {
  const { db, clock, audit, matchesFor, team } = deps

  // Checks a deployment (the check page, with any overspend to confirm), or saves it. An overspend
  // is saved only when confirmed, and records who confirmed it.
  async function deploy(actor: Actor, shiftId: string, form: RequestForm, save: boolean) {
    const context = await matchesFor(actor, shiftId, false)
    if (!context) return null
    const checked = validateDeployment(form, {
      offeredIds: context.offered.map((p) => p.id),
      budgetIds: context.budgets.map((b) => b.id),
    })
    const closedOrFull =
      context.shift.requestStatus !== 'open'
        ? 'This request is closed: no more staff can be deployed for it'
        : context.placesLeft === 0
          ? 'Every place on this shift is filled'
          : null
    if (closedOrFull) return { context, checked: { ok: false as const, errors: { personId: closedOrFull } } }
    if (!checked.ok) return { context, checked }
    const cost = costPence(checked.value.hourlyRatePence, context.minutes)
    const budget = context.budgets.find((b) => b.id === checked.value.budgetId)!
    const overspend = overspendBy(budget.balancePence, 0, cost)
    const person = context.offered.find((p) => p.id === checked.value.personId)!
    const summary = { cost, budget, overspend, person }
    if (!save) return { context, checked, summary }
    if (overspend > 0 && !checked.value.overspendConfirmed)
      return {
        context,
        summary,
        checked: {
          ok: false as const,
          errors: {
            overspendConfirmed: 'Confirm that the budget may be overspent, or choose another budget',
          },
        },
      }
    const now = clock.now()
    const saved = await db.transaction().execute(async (trx) => {
      // The balance again under the budget's lock: another deployment may have spent it meanwhile.
      const locked = await lockBudget(trx, budget.id)
      const over = overspendBy(locked.balancePence, 0, cost)
      if (over > 0 && !checked.value.overspendConfirmed) return null
      const { id } = await trx
        .insertInto('staffingDeployments')
        .values({
          shiftId,
          personId: person.id,
          budgetId: budget.id,
          shiftOn: context.shift.shiftOn,
          status: 'booked',
          hourlyRatePence: checked.value.hourlyRatePence,
          minutesWorked: context.minutes,
          costPence: cost,
          overspendConfirmedByUserId: over > 0 ? actor.userId : null,
          overspendConfirmedAt: over > 0 ? now : null,
          deployedByUserId: actor.userId,
          deployedAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(trx, actor, actions.deploymentMade, deploymentEntityType, id, {
        shiftId,
        personId: person.id,
        budgetId: budget.id,
        costPence: cost,
        balanceAfterPence: locked.balancePence - cost,
        overspendConfirmedBy: over > 0 ? actor.userId : null,
      })
      return { id, requestId: context.shift.requestId }
    })
    if (!saved)
      return {
        context,
        summary,
        checked: {
          ok: false as const,
          errors: { overspendConfirmed: 'The budget has been spent meanwhile: confirm the overspend' },
        },
      }
    return { context, checked, summary, saved }
  }

  async function deploymentFor(actor: Actor, deploymentId: string) {
    if (!isUuid(deploymentId) || !(await team(actor))) return null
    return db
      .selectFrom('staffingDeployments as d')
      .innerJoin('staffingRequestShifts as s', 's.id', 'd.shiftId')
      .innerJoin('staffingRequests as r', 'r.id', 's.requestId')
      .select([
        'd.id',
        'd.status',
        'd.budgetId',
        'd.hourlyRatePence',
        'd.costPence',
        'd.minutesWorked',
        'r.id as requestId',
      ])
      .where('d.id', '=', deploymentId)
      .where('r.councilId', '=', actor.organisationId)
      .executeTakeFirst()
  }

  // The shifts worked: the hours, and the cost at the deployment's rate (an overspend is confirmed).
  async function recordWorked(actor: Actor, deploymentId: string, form: RequestForm) {
    const found = await deploymentFor(actor, deploymentId)
    if (found?.status !== 'booked') return null
    const minutes = minutesFromHours(form.hoursWorked ?? '')
    if (minutes === null)
      return {
        found,
        checked: {
          ok: false as const,
          errors: { hoursWorked: 'Hours worked must be a number of hours up to 24, like 7.5' } as FieldErrors,
        },
      }
    const cost = costPence(Number(found.hourlyRatePence), minutes)
    const confirmed = (form.overspendConfirmed ?? '') === 'yes'
    const now = clock.now()
    const result = await db.transaction().execute(async (trx) => {
      const budget = await lockBudget(trx, found.budgetId)
      const over = overspendBy(budget.balancePence, Number(found.costPence), cost)
      if (over > 0 && !confirmed) return { over }
      await trx
        .updateTable('staffingDeployments')
        .set({
          status: 'worked',
          minutesWorked: minutes,
          costPence: cost,
          updatedAt: now,
          ...(over > 0 ? { overspendConfirmedByUserId: actor.userId, overspendConfirmedAt: now } : {}),
        })
        .where('id', '=', deploymentId)
        .execute()
      await audit(
        trx,
        actor,
        actions.deploymentWorked,
        deploymentEntityType,
        deploymentId,
        {
          status: 'worked',
          minutesWorked: minutes,
          costPence: cost,
          overspendConfirmedBy: over > 0 ? actor.userId : null,
        },
        { status: 'booked', minutesWorked: found.minutesWorked, costPence: Number(found.costPence) },
      )
      return { over: 0 }
    })
    if (result.over > 0)
      return {
        found,
        over: result.over,
        checked: {
          ok: false as const,
          errors: {
            overspendConfirmed:
              'These hours would overspend the budget: confirm the overspend to record them',
          } as FieldErrors,
        },
      }
    return { found, checked: { ok: true as const, value: null } }
  }

  async function cancel(actor: Actor, deploymentId: string) {
    const found = await deploymentFor(actor, deploymentId)
    if (found?.status !== 'booked') return null
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('staffingDeployments')
        .set({ status: 'cancelled', costPence: 0, updatedAt: clock.now() })
        .where('id', '=', deploymentId)
        .execute()
      await audit(
        trx,
        actor,
        actions.deploymentCancelled,
        deploymentEntityType,
        deploymentId,
        { status: 'cancelled', costPence: 0 },
        {
          status: 'booked',
          costPence: Number(found.costPence),
        },
      )
    })
    return found
  }

  return { deploy, recordWorked, cancel }
}
