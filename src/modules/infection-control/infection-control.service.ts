import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import { type FieldErrors, isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { logPlannedVisit, settleVisitContact } from './contact-log-entries.ts'
import {
  type Form,
  mayEditChecklist,
  mayReadVisits,
  mayRecordVisits,
  type PlanInput,
  validateChecklistLabel,
  validatePlan,
  validateRecord,
  weeklyIpcFigures,
} from './domain/ipc.rules.ts'
import { ipcAuditActions as actions } from './infection-control.audit-actions.ts'
import {
  actionsOf,
  checklistOf,
  findingsOf,
  locationInScope,
  visibleVisits,
  visitEntityType,
} from './infection-control.repository.ts'

// Infection-control visits: planned (and logged in the shared contact log so nobody else books one),
// done with findings against the council's checklist and actions with due dates, followed up.
export function createIpcService(deps: { db: Db; clock: Clock; contactLog: ContactLogService }) {
  const { db, clock, contactLog } = deps
  const today = () => londonDate(clock.now())
  const audit = (
    trx: DbOrTransaction,
    actor: Actor,
    action: AuditActionName,
    entityId: string | null,
    after: unknown,
    councilId: string,
    before?: unknown,
    entityType = visitEntityType,
  ) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId,
      action,
      entityType,
      entityId,
      before,
      after,
      occurredAt: clock.now(),
    })

  async function planFormFor(actor: Actor, locationId: string) {
    if (!mayRecordVisits(actor) || !isUuid(locationId)) return null
    const location = await locationInScope(db, actor, locationId)
    const councilId = location?.councilId ?? actor.councilIds[0]
    return location && councilId ? { ...location, councilId } : null
  }

  async function insertPlanned(
    actor: Actor,
    location: { id: string; councilId: string },
    plan: PlanInput,
    followUpOf: string | null,
  ) {
    const logged = await logPlannedVisit(contactLog, actor, location.id, plan)
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('ipcVisits')
        .values({
          councilId: location.councilId,
          locationId: location.id,
          organisationId: actor.organisationId,
          plannedByUserId: actor.userId,
          visitOn: plan.visitOn,
          purpose: plan.purpose,
          state: 'planned',
          contactId: logged?.ok ? logged.value.id : null,
          followUpOfVisitId: followUpOf,
          summary: null,
          recordedByUserId: null,
          recordedAt: null,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(
        trx,
        actor,
        actions.visitPlanned,
        id,
        { ...plan, locationId: location.id, followUpOf },
        location.councilId,
      )
      return id
    })
  }

  async function plan(actor: Actor, locationId: string, form: Form): Promise<Outcome<{ id: string }> | null> {
    const location = await planFormFor(actor, locationId)
    if (!location) return null
    const checked = validatePlan(form, today())
    if (!checked.ok) return checked
    return { ok: true, value: { id: await insertPlanned(actor, location, checked.value, null) } }
  }

  async function visit(actor: Actor, visitId: string) {
    if (!mayReadVisits(actor) || !isUuid(visitId)) return null
    const found = await visibleVisits(db, actor).where('v.id', '=', visitId).executeTakeFirst()
    if (!found) return null
    const [findings, actionRows, followUps] = await Promise.all([
      findingsOf(db, visitId),
      actionsOf(db, [visitId]),
      visibleVisits(db, actor).where('v.followUpOfVisitId', '=', visitId).execute(),
    ])
    return {
      visit: found,
      findings,
      actions: actionRows,
      followUps,
      mayRecord: mayRecordVisits(actor),
      today: today(),
    }
  }

  async function recordFormFor(actor: Actor, visitId: string) {
    const found = await visit(actor, visitId)
    if (!found?.mayRecord || found.visit.state !== 'planned') return null
    const items = await db
      .transaction()
      .execute((trx) => checklistOf(trx, found.visit.councilId, clock.now()))
    return { ...found, items }
  }

  async function record(actor: Actor, visitId: string, form: Form): Promise<Outcome<{ id: string }> | null> {
    const context = await recordFormFor(actor, visitId)
    if (!context) return null
    const checked = validateRecord(form, {
      items: context.items,
      visitOn: context.visit.visitOn,
      today: today(),
    })
    if (!checked.ok) return checked
    const input = checked.value
    const now = clock.now()
    const saved = await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('ipcVisits')
        .set({
          state: 'done',
          summary: input.summary,
          recordedByUserId: actor.userId,
          recordedAt: now,
          updatedAt: now,
        })
        .where('id', '=', visitId)
        .where('state', '=', 'planned')
        .executeTakeFirst()
      if (Number(changed.numUpdatedRows) === 0) return false
      await trx
        .insertInto('ipcVisitFindings')
        .values(input.findings.map((f) => ({ visitId, ...f })))
        .execute()
      if (input.actions.length)
        await trx
          .insertInto('ipcVisitActions')
          .values(input.actions.map((a) => ({ visitId, ...a, doneAt: null, doneByUserId: null })))
          .execute()
      await audit(trx, actor, actions.visitRecorded, visitId, input, context.visit.councilId, {
        state: 'planned',
      })
      return true
    })
    if (!saved) return null
    if (context.visit.contactId)
      await settleVisitContact(contactLog, actor, context.visit.contactId, {
        state: 'done',
        actionsAgreed: input.actions.map((a) => a.description).join('; ') || null,
      })
    if (input.followUp)
      await insertPlanned(
        actor,
        { id: context.visit.locationId, councilId: context.visit.councilId },
        input.followUp,
        visitId,
      )
    return { ok: true, value: { id: visitId } }
  }

  async function cancel(actor: Actor, visitId: string) {
    const found = await visit(actor, visitId)
    if (!found?.mayRecord || found.visit.state !== 'planned') return null
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('ipcVisits')
        .set({ state: 'cancelled', updatedAt: clock.now() })
        .where('id', '=', visitId)
        .execute()
      await audit(
        trx,
        actor,
        actions.visitCancelled,
        visitId,
        { state: 'cancelled' },
        found.visit.councilId,
        { state: 'planned' },
      )
    })
    if (found.visit.contactId)
      await settleVisitContact(contactLog, actor, found.visit.contactId, {
        state: 'cancelled',
        actionsAgreed: null,
      })
    return found.visit
  }

  async function actionDone(actor: Actor, actionId: string) {
    if (!mayRecordVisits(actor) || !isUuid(actionId)) return null
    const action = await db
      .selectFrom('ipcVisitActions')
      .select(['id', 'visitId', 'doneAt'])
      .where('id', '=', actionId)
      .executeTakeFirst()
    const found = action && (await visit(actor, action.visitId))
    if (!action || !found) return null
    if (!action.doneAt)
      await db.transaction().execute(async (trx) => {
        const now = clock.now()
        await trx
          .updateTable('ipcVisitActions')
          .set({ doneAt: now, doneByUserId: actor.userId })
          .where('id', '=', actionId)
          .where('doneAt', 'is', null)
          .execute()
        await audit(
          trx,
          actor,
          actions.actionDone,
          actionId,
          { doneAt: now },
          found.visit.councilId,
          undefined,
          'ipc-visit-action',
        )
      })
    return found.visit
  }

  // Visits at locations in scope: planned from today, and done or cancelled in the last 12 weeks.
  async function list(actor: Actor, filter: { locationId?: string } = {}) {
    if (!mayReadVisits(actor)) return null
    const since = addDaysToIsoDate(today(), -84)
    const visits = await visibleVisits(db, actor)
      .$if(Boolean(filter.locationId), (q) => q.where('v.locationId', '=', filter.locationId!))
      .where((eb) => eb.or([eb('v.visitOn', '>=', since), eb('v.state', '=', 'planned')]))
      .orderBy('v.visitOn', 'desc')
      .orderBy('v.id')
      .limit(300)
      .execute()
    const rows = visits.map((v) => ({ ...v, actionsOpen: Number(v.actionsOpen ?? 0) }))
    const day = today()
    const open = await actionsOf(
      db,
      rows.filter((v) => v.actionsOpen > 0).map((v) => v.id),
    )
    return {
      planned: rows.filter((v) => v.state === 'planned').reverse(),
      done: rows.filter((v) => v.state === 'done'),
      actionsOutstanding: open
        .filter((a) => !a.doneAt)
        .map((a) => ({ ...a, overdue: a.dueOn < day, visit: rows.find((v) => v.id === a.visitId)! })),
      mayRecord: mayRecordVisits(actor),
    }
  }

  async function figures(actor: Actor) {
    const found = await list(actor)
    if (!found) return null
    const counts = await actionsOf(
      db,
      found.done.map((v) => v.id),
    )
    return {
      weeks: weeklyIpcFigures(
        today(),
        found.done.map((v) => ({
          visitOn: v.visitOn,
          actions: counts.filter((a) => a.visitId === v.id).length,
        })),
      ),
      outstanding: found.actionsOutstanding.length,
      overdue: found.actionsOutstanding.filter((a) => a.overdue).length,
    }
  }

  // The council's checklist for its administrator: add, rename or remove an item.
  async function checklist(actor: Actor) {
    if (!mayEditChecklist(actor)) return null
    return db.transaction().execute((trx) => checklistOf(trx, actor.organisationId, clock.now()))
  }

  async function changeChecklist(actor: Actor, form: Form): Promise<Outcome<null> | null> {
    const items = await checklist(actor)
    if (!items) return null
    const action = form.action ?? ''
    const item = items.find((i) => i.id === form.itemId)
    if (action !== 'add' && !item) return null
    const checked =
      action === 'remove' ? { ok: true as const, value: '' } : validateChecklistLabel(form.label ?? '')
    if (!checked.ok) return { ok: false, errors: checked.errors as FieldErrors }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      if (action === 'add')
        await trx
          .insertInto('ipcChecklistItems')
          .values({
            councilId: actor.organisationId,
            label: checked.value,
            position: Math.max(0, ...items.map((i) => i.position)) + 1,
            createdAt: now,
            updatedAt: now,
          })
          .execute()
      else
        await trx
          .updateTable('ipcChecklistItems')
          .set(
            action === 'remove'
              ? { active: false, updatedAt: now }
              : { label: checked.value, updatedAt: now },
          )
          .where('id', '=', item!.id)
          .execute()
      await audit(
        trx,
        actor,
        actions.checklistChanged,
        item?.id ?? null,
        { action, label: checked.value },
        actor.organisationId,
        item ? { label: item.label } : undefined,
        'ipc-checklist-item',
      )
    })
    return { ok: true, value: null }
  }

  return {
    today,
    planFormFor,
    plan,
    visit,
    recordFormFor,
    record,
    cancel,
    actionDone,
    list,
    figures,
    checklist,
    changeChecklist,
  }
}

export type IpcService = ReturnType<typeof createIpcService>
