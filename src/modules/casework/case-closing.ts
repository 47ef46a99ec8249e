import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { refreshRag, resolveAlert } from '../early-warning/index.ts'
import type { WriteOutcome } from './case-ownership.ts'
import { alertOnCase, type CaseworkDeps, caseForActor } from './case-reads.ts'
import { addCaseEvent, markCaseResolved, openAlertIdsOfCase } from './case-writes.repository.ts'
import { closeCaseForm, closeCaseMessages, resolveAlertForm, resolveAlertMessages } from './casework.forms.ts'
import { mayCloseCase, mayManageCase } from './domain/casework.rules.ts'

// Ending things: an officer resolves one alert by hand, or the owning organisation closes the case.

const alreadyResolved = 'This alert is already resolved'

// An officer resolves one alert by hand; the note is required and kept on the alert's history.
export async function resolveAlertByHand(
  deps: CaseworkDeps,
  actor: Actor,
  caseId: string,
  alertId: string,
  note: unknown,
): Promise<WriteOutcome> {
  const found = await alertOnCase(deps, actor, caseId, alertId)
  if (!found) return null
  if (!mayManageCase(actor, found.case))
    return {
      ok: false,
      errors: { note: 'Only the owning organisation or the council can resolve this alert' },
    }
  if (found.alert.status !== 'open') return { ok: false, errors: { note: alreadyResolved } }
  const parsed = parseForm(resolveAlertForm, { note }, resolveAlertMessages)
  if (!parsed.ok) return parsed
  const resolution = parsed.value.note.trim()
  const resolved = await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const done = await resolveAlert(trx, { alertId, note: resolution, actorUserId: actor.userId, at: now })
    if (!done) return false
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.alertResolvedByHand,
      entityType: 'alert',
      entityId: alertId,
      before: { status: 'open' },
      after: { status: 'resolved', note: resolution, caseId },
      occurredAt: now,
    })
    return true
  })
  return resolved ? { ok: true, value: null } : { ok: false, errors: { note: alreadyResolved } }
}

// The owning organisation closes the case with a note (the form); open alerts are resolved with it,
// once the closer has confirmed that.
export async function closeCase(
  { db, clock }: CaseworkDeps,
  actor: Actor,
  caseId: string,
  form: unknown,
): Promise<WriteOutcome> {
  return db.transaction().execute(async (trx) => {
    const found = await caseForActor(trx, actor, caseId, true)
    if (!found) return null
    const allowed = mayCloseCase(actor, found)
    if (!allowed.ok) return { ok: false as const, errors: { note: allowed.reason } }
    const open = await openAlertIdsOfCase(trx, found.id)
    const parsed = parseForm(closeCaseForm(open.length), form, closeCaseMessages)
    if (!parsed.ok) return parsed
    const now = clock.now()
    const note = parsed.value.note.trim()
    for (const alert of open)
      await resolveAlert(trx, {
        alertId: alert.id,
        note: `Resolved with the case: ${note}`,
        actorUserId: actor.userId,
        at: now,
      })
    await markCaseResolved(trx, found.id, { userId: actor.userId, note, at: now })
    await addCaseEvent(trx, {
      caseId: found.id,
      kind: 'closed',
      note,
      details: { alertsResolved: open.map((a) => a.id) },
      actorUserId: actor.userId,
      occurredAt: now,
    })
    // The location has no open case now: its RAG row says so.
    await refreshRag(trx, [found.locationId], now)
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.caseClosed,
      entityType: 'case',
      entityId: found.id,
      before: { status: found.status, openAlerts: open.length },
      after: { status: 'resolved', note },
      occurredAt: now,
    })
    return { ok: true as const, value: null }
  })
}
