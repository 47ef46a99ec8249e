import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { type BudgetInput, validateBudget } from './domain/budget.rules.ts'
import { staffingAuditActions as actions } from './emergency-staffing.audit-actions.ts'
import { budgetsOf } from './staffing.repository.ts'
import { inStaffingTeam } from './staffing-team.service.ts'

export const budgetEntityType = 'staffing-budget'

// The staffing team's budgets: each with its balance (allocation less deployments' costs, computed on
// every read), and new ones set up with a name and an allocation, audited.
export function createStaffingBudgetService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function list(actor: Actor) {
    return (await inStaffingTeam(db, actor)) ? budgetsOf(db, actor.organisationId) : null
  }

  // Checks a new budget (the check-your-answers page), or saves it.
  async function create(
    actor: Actor,
    form: Record<string, string>,
    save: boolean,
  ): Promise<Outcome<BudgetInput & { id: string | null }> | null> {
    const existing = await list(actor)
    if (!existing) return null
    const checked = validateBudget(
      form,
      existing.map((b) => b.name),
    )
    if (!checked.ok) return checked
    if (!save) return { ok: true, value: { ...checked.value, id: null } }
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('staffingBudgets')
        .values({ councilId: actor.organisationId, ...checked.value, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.budgetCreated,
        entityType: budgetEntityType,
        entityId: id,
        after: checked.value,
        occurredAt: now,
      })
      return id
    })
    return { ok: true, value: { ...checked.value, id } }
  }

  return { list, create }
}

export type StaffingBudgetService = ReturnType<typeof createStaffingBudgetService>
