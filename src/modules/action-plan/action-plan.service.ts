import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { actionPlanAuditActions } from './action-plan.audit-actions.ts'
import { actionsOf, areasOf, findAction, updatesOf } from './action-plan.repository.ts'
import { mayReadPlan, mayUpdateAction, type UpdateForm, validateUpdate } from './domain/action-plan.rules.ts'
import { createLiveReport } from './live-report.ts'
import { mayAddAction, mayChangeAction, mayShapePlan } from './domain/plan-forms.rules.ts'
import { measureByKey, measures } from './measures.ts'
import { createPlanChanges } from './plan-changes.service.ts'
import { createPlanEditing } from './plan-editing.service.ts'

// The council's action plan: its areas and actions, updates from the organisations that lead them,
// and the measures CareHub computes for them. Council users and partners read; leads update.
export function createActionPlanService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The council whose plan the actor reads: their own, or the first a partner serves.
  const councilOf = (actor: Actor) => (mayReadPlan(actor) ? (actor.councilIds[0] ?? null) : null)

  async function overview(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    const areas = await areasOf(db, councilId)
    const actions = (await actionsOf(db, councilId)).map((a) => ({
      ...a,
      mayUpdate: mayUpdateAction(actor, a),
      mayChange: mayChangeAction(actor, a),
    }))
    return {
      areas: areas.map((area) => ({ ...area, actions: actions.filter((a) => a.areaId === area.id) })),
      mayShapePlan: mayShapePlan(actor, councilId),
      mayAddAction: mayAddAction(actor, councilId),
    }
  }

  const actionFor = async (actor: Actor, id: string) => {
    if (!mayReadPlan(actor) || !isUuid(id)) return null
    const action = await findAction(db, id)
    return action && actor.councilIds.includes(action.councilId) ? action : null
  }

  async function valuesOf(councilId: string, keys: readonly string[], at: Date) {
    const found = []
    for (const key of keys) {
      const measure = measureByKey.get(key)
      if (!measure) continue
      const { records: _records, ...value } = await measure.compute(db, councilId, at)
      found.push({ key, name: measure.name, definition: measure.definition, at, ...value })
    }
    return found
  }

  async function action(actor: Actor, id: string) {
    const found = await actionFor(actor, id)
    if (!found) return null
    return {
      action: found,
      updates: await updatesOf(db, id),
      measures: await valuesOf(found.councilId, found.measureKeys, clock.now()),
      mayUpdate: mayUpdateAction(actor, found),
    }
  }

  async function actionToUpdate(actor: Actor, id: string) {
    const found = await actionFor(actor, id)
    return found && mayUpdateAction(actor, found) ? found : null
  }

  async function update(
    actor: Actor,
    id: string,
    form: UpdateForm,
    writtenByName: string,
  ): Promise<Outcome<{ id: string }> | null> {
    const found = await actionToUpdate(actor, id)
    if (!found) return null
    const checked = validateUpdate(form)
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('planActionUpdates')
        .values({ actionId: id, ...checked.value, writtenBy: actor.userId, writtenByName, writtenAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .updateTable('planActions')
        .set({ rag: checked.value.rag, updatedAt: now })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: actionPlanAuditActions.actionUpdated,
        entityType: 'plan_action',
        entityId: id,
        before: { rag: found.rag },
        after: { updateId: row.id, ...checked.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  async function measureList(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId) return null
    return valuesOf(
      councilId,
      measures.map((m) => m.key),
      clock.now(),
    )
  }

  // One measure, its value now and the records behind it.
  async function measure(actor: Actor, key: string) {
    const councilId = councilOf(actor)
    const found = measureByKey.get(key)
    if (!councilId || !found) return null
    const at = clock.now()
    return {
      key,
      name: found.name,
      definition: found.definition,
      at,
      ...(await found.compute(db, councilId, at)),
    }
  }

  return {
    overview,
    action,
    actionToUpdate,
    update,
    measureList,
    measure,
    ...createPlanEditing(deps),
    ...createPlanChanges(deps),
    ...createLiveReport(deps),
  }
}

export type ActionPlanService = ReturnType<typeof createActionPlanService>
