import { londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import type { WriteOutcome } from './case-ownership.ts'
import { type CaseworkDeps, caseForActor } from './case-reads.ts'
import {
  actionOfCase,
  addCaseEvent,
  insertCaseAction,
  markActionDone,
  setCaseStatus,
  touchCase,
} from './case-writes.repository.ts'
import { actionForm, actionMessages, dueDateOf } from './casework.forms.ts'
import { mayManageCase, nextStatus } from './domain/casework.rules.ts'

// Actions on a case, each with a due date; marking one done moves the case to "action taken".

// Adds an action (the form: what will be done, and the date it is due).
export async function addAction(
  { db, clock }: CaseworkDeps,
  actor: Actor,
  caseId: string,
  form: unknown,
): Promise<WriteOutcome> {
  const found = await caseForActor(db, actor, caseId)
  if (!found) return null
  if (!mayManageCase(actor, found))
    return {
      ok: false,
      errors: { description: 'Only the owning organisation or the council can add actions' },
    }
  const parsed = parseForm(actionForm(londonDate(clock.now())), form, actionMessages)
  if (!parsed.ok) return parsed
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    const action = await insertCaseAction(trx, {
      caseId: found.id,
      description: parsed.value.description.trim(),
      dueOn: dueDateOf(parsed.value),
      createdBy: actor.userId,
      createdAt: now,
    })
    await addCaseEvent(trx, {
      caseId: found.id,
      kind: 'action_added',
      note: `${action.description} (due ${String(action.dueOn).slice(0, 10)})`,
      details: { actionId: action.id },
      actorUserId: actor.userId,
      occurredAt: now,
    })
    await touchCase(trx, found.id, now)
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.caseActionAdded,
      entityType: 'case',
      entityId: found.id,
      after: action,
      occurredAt: now,
    })
  })
  return { ok: true, value: null }
}

// Marks an action done; the case's status moves to "action taken".
export async function completeAction(
  { db, clock }: CaseworkDeps,
  actor: Actor,
  caseId: string,
  actionId: string,
): Promise<WriteOutcome> {
  if (!isUuid(actionId)) return null
  return db.transaction().execute(async (trx) => {
    const found = await caseForActor(trx, actor, caseId, true)
    if (!found) return null
    const action = await actionOfCase(trx, found.id, actionId)
    if (!action) return null
    if (!mayManageCase(actor, found))
      return {
        ok: false as const,
        errors: { actions: 'Only the owning organisation or the council can do that' },
      }
    if (action.status === 'done')
      return { ok: false as const, errors: { actions: 'That action is already done' } }
    const now = clock.now()
    await markActionDone(trx, action.id, actor.userId, now)
    const status = nextStatus(found.status, 'action_done')
    await setCaseStatus(trx, found.id, status, now)
    await addCaseEvent(trx, {
      caseId: found.id,
      kind: 'action_done',
      note: action.description,
      details: { actionId: action.id },
      actorUserId: actor.userId,
      occurredAt: now,
    })
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.caseActionDone,
      entityType: 'case',
      entityId: found.id,
      before: { actionId: action.id, status: 'open', caseStatus: found.status },
      after: { actionId: action.id, status: 'done', caseStatus: status },
      occurredAt: now,
    })
    return { ok: true as const, value: null }
  })
}
