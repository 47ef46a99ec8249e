import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { actionPlanAuditActions } from './action-plan.audit-actions.ts'
import { areasOf, findArea, leadOrganisationsOf } from './action-plan.repository.ts'
import {
  type ActionForm,
  type AreaForm,
  mayAddAction,
  mayShapePlan,
  type ObjectiveForm,
  validateAction,
  validateArea,
  validateObjective,
} from './domain/plan-forms.rules.ts'
import { measures } from './measures.ts'
import { auditPlanChange } from './plan-audit.ts'

// Building the plan: strategic areas and their key objectives (the council's officers), and actions
// (the council's officers for any lead; a partner's officers for actions their organisation leads).
// Each change is audited in its transaction; bad input changes nothing.
export function createPlanEditing(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const councilOf = (actor: Actor) => actor.councilIds[0] ?? null

  const audit = auditPlanChange

  // Whether the actor may add areas, and the next area's number (null: they may not).
  async function areaToAdd(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId || !mayShapePlan(actor, councilId)) return null
    const areas = await areasOf(db, councilId)
    return { councilId, number: Math.max(0, ...areas.map((a) => a.number)) + 1 }
  }

  async function addArea(
    actor: Actor,
    form: AreaForm,
  ): Promise<Outcome<{ id: string; number: number }> | null> {
    const allowed = await areaToAdd(actor)
    if (!allowed) return null
    const checked = validateArea(form)
    if (!checked.ok) return checked
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      // One council's areas are numbered in turn: the lock keeps two officers from taking one number.
      await sql`select pg_advisory_xact_lock(hashtext(${`plan-areas:${allowed.councilId}`}))`.execute(trx)
      const last = await trx
        .selectFrom('planAreas')
        .select((eb) => eb.fn.max('number').as('n'))
        .where('councilId', '=', allowed.councilId)
        .executeTakeFirst()
      const number = Number(last?.n ?? 0) + 1
      const row = await trx
        .insertInto('planAreas')
        .values({
          councilId: allowed.councilId,
          number,
          title: checked.value.title,
          aim: checked.value.aim,
          objectives: JSON.stringify(checked.value.objectives),
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(
        trx,
        actor,
        actionPlanAuditActions.areaAdded,
        'plan_area',
        row.id,
        null,
        { number, ...checked.value },
        now,
      )
      return { ok: true as const, value: { id: row.id, number } }
    })
  }

  // An area of the actor's council that they may add key objectives to.
  async function areaFor(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const area = await findArea(db, id)
    return area && actor.councilIds.includes(area.councilId) && mayShapePlan(actor, area.councilId)
      ? area
      : null
  }

  async function addObjective(
    actor: Actor,
    id: string,
    form: ObjectiveForm,
  ): Promise<Outcome<{ id: string }> | null> {
    const area = await areaFor(actor, id)
    if (!area) return null
    const checked = validateObjective(form, area.objectives)
    if (!checked.ok) return checked
    const now = clock.now()
    const objectives = [...area.objectives, checked.value]
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('planAreas')
        .set({ objectives: JSON.stringify(objectives) })
        .where('id', '=', id)
        .execute()
      await audit(
        trx,
        actor,
        actionPlanAuditActions.objectiveAdded,
        'plan_area',
        id,
        { objectives: area.objectives },
        { objectives },
        now,
      )
    })
    return { ok: true, value: { id } }
  }

  // What the new-action form offers this actor: the council's areas, the organisations they may name as
  // lead (a partner's officer: their own only) and the measures.
  async function actionChoices(actor: Actor) {
    const councilId = councilOf(actor)
    if (!councilId || !mayAddAction(actor, councilId)) return null
    const leads = (await leadOrganisationsOf(db, councilId)).filter(
      (o) => mayShapePlan(actor, councilId) || o.id === actor.organisationId,
    )
    if (!leads.length) return null
    return {
      councilId,
      areas: await areasOf(db, councilId),
      leads,
      measures: measures.map((m) => ({ key: m.key, name: m.name })),
    }
  }

  async function addAction(actor: Actor, form: ActionForm): Promise<Outcome<{ id: string }> | null> {
    const choices = await actionChoices(actor)
    if (!choices) return null
    const checked = validateAction(form, {
      areaIds: choices.areas.map((a) => a.id),
      leads: choices.leads.map((o) => o.id),
      measureKeys: choices.measures.map((m) => m.key),
    })
    if (!checked.ok) return checked
    const { areaId, measureKeys, ...rest } = checked.value
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      // Actions are numbered in turn within their area (1.1, 1.2 …).
      await sql`select pg_advisory_xact_lock(hashtext(${`plan-actions:${areaId}`}))`.execute(trx)
      const last = await trx
        .selectFrom('planActions')
        .select((eb) => eb.fn.max('position').as('n'))
        .where('areaId', '=', areaId)
        .executeTakeFirst()
      const position = Number(last?.n ?? 0) + 1
      const row = await trx
        .insertInto('planActions')
        .values({
          areaId,
          position,
          ...rest,
          measureKeys: JSON.stringify(measureKeys),
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(
        trx,
        actor,
        actionPlanAuditActions.actionAdded,
        'plan_action',
        row.id,
        null,
        { position, ...checked.value },
        now,
      )
      return { ok: true as const, value: { id: row.id } }
    })
  }

  return { areaToAdd, addArea, areaFor, addObjective, actionChoices, addAction }
}
