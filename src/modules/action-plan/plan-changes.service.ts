import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { actionPlanAuditActions } from './action-plan.audit-actions.ts'
import { findAction, findArea, leadOrganisationsOf } from './action-plan.repository.ts'
import {
  type ActionChangeForm,
  type AreaForm,
  mayChangeAction,
  mayShapePlan,
  validateAction,
  validateArea,
} from './domain/plan-forms.rules.ts'
import { measures } from './measures.ts'
import { auditPlanChange } from './plan-audit.ts'

// Correcting the plan: an area's title, aim and key objectives (the council's own officers), and an
// action's title, lead, partners, due date and measures (whoever may add it). Checked against the
// plan's own council, validated by the rules that add them, and audited with the fields as they were
// and as they became, in one transaction. A form that changes nothing writes nothing. The plan keeps
// no versions of its own: the audit trail's before and after are its history.

type Saved = Outcome<{ number: string; changed: boolean }>

// The fields that differ, as they were and as they become; null when none does.
function differences<T extends Record<string, unknown>>(current: T, next: T) {
  const changed = (Object.keys(next) as (keyof T)[]).filter(
    (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
  )
  if (!changed.length) return null
  const pick = (from: T) => Object.fromEntries(changed.map((k) => [k, from[k]])) as Partial<T>
  return { before: pick(current), after: pick(next) }
}

export function createPlanChanges(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const audit = (
    trx: Parameters<typeof auditPlanChange>[0],
    actor: Actor,
    action: typeof actionPlanAuditActions.areaChanged | typeof actionPlanAuditActions.actionChanged,
    entityId: string,
    change: { before: unknown; after: unknown },
    at: Date,
  ) => {
    const entityType = action === actionPlanAuditActions.areaChanged ? 'plan_area' : 'plan_action'
    return auditPlanChange(trx, actor, action, entityType, entityId, change.before, change.after, at)
  }

  // An area the actor may correct: one of their council's, the same permission as adding areas.
  async function areaToChange(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const area = await findArea(db, id)
    return area && actor.councilIds.includes(area.councilId) && mayShapePlan(actor, area.councilId)
      ? area
      : null
  }

  async function changeArea(actor: Actor, id: string, form: AreaForm): Promise<Saved | null> {
    const area = await areaToChange(actor, id)
    if (!area) return null
    const checked = validateArea(form)
    if (!checked.ok) return checked
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      // Read again under a lock, so "before" is what this change replaced.
      const current = await trx
        .selectFrom('planAreas')
        .select(['title', 'aim', 'objectives'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const change = differences(current, checked.value)
      if (change) {
        const { objectives, ...text } = change.after
        await trx
          .updateTable('planAreas')
          .set({ ...text, ...(objectives ? { objectives: JSON.stringify(objectives) } : {}) })
          .where('id', '=', id)
          .execute()
        await audit(trx, actor, actionPlanAuditActions.areaChanged, id, change, now)
      }
      return { ok: true as const, value: { number: String(area.number), changed: Boolean(change) } }
    })
  }

  // An action the actor may correct, with what its form offers: the organisations they may name as
  // lead among the plan's council and its partners (a partner's officer: their own only), and the
  // measures.
  async function actionToChange(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const action = await findAction(db, id)
    if (!action || !actor.councilIds.includes(action.councilId) || !mayChangeAction(actor, action))
      return null
    const leads = (await leadOrganisationsOf(db, action.councilId)).filter(
      (o) => mayShapePlan(actor, action.councilId) || o.id === actor.organisationId,
    )
    return { action, leads, measures: measures.map((m) => ({ key: m.key, name: m.name })) }
  }

  async function changeAction(actor: Actor, id: string, form: ActionChangeForm): Promise<Saved | null> {
    const found = await actionToChange(actor, id)
    if (!found) return null
    const { action } = found
    // The adding form's rules, with the area and how it is going kept as they are.
    const checked = validateAction(
      { ...form, areaId: action.areaId, rag: action.rag },
      {
        areaIds: [action.areaId],
        leads: found.leads.map((o) => o.id),
        measureKeys: found.measures.map((m) => m.key),
      },
    )
    if (!checked.ok) return checked
    const { areaId: _area, rag: _rag, ...next } = checked.value
    const number = `${action.areaNumber}.${action.position}`
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('planActions')
        .select(['title', 'leadOrganisationId', 'leadName', 'partners', 'dueOn', 'measureKeys'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow()
      // A partner's officer may have lost the lead since the form was read.
      if (!mayChangeAction(actor, { councilId: action.councilId, ...current })) return null
      // The same measures in another order are no change.
      const sameMeasures =
        current.measureKeys.length === next.measureKeys.length &&
        next.measureKeys.every((k) => current.measureKeys.includes(k))
      const change = differences(current, {
        ...next,
        measureKeys: sameMeasures ? current.measureKeys : next.measureKeys,
      })
      if (change) {
        const { measureKeys, ...fields } = change.after
        await trx
          .updateTable('planActions')
          .set({
            ...fields,
            ...(measureKeys ? { measureKeys: JSON.stringify(measureKeys) } : {}),
            updatedAt: now,
          })
          .where('id', '=', id)
          .execute()
        await audit(trx, actor, actionPlanAuditActions.actionChanged, id, change, now)
      }
      return { ok: true as const, value: { number, changed: Boolean(change) } }
    })
  }

  return { areaToChange, changeArea, actionToChange, changeAction }
}
