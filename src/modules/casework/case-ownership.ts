import type { CaseStatus } from '../../db/schema.ts'
import type { Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { type CaseworkDeps, caseForActor, passTargets } from './case-reads.ts'
import { addCaseEvent, ownerInWords, setCaseOwner } from './case-writes.repository.ts'
import { passCaseForm, passCaseMessages } from './casework.forms.ts'
import { mayManageCase, mayTakeOwnership, nextStatus } from './domain/casework.rules.ts'

// Who owns a case: an officer takes it for their organisation, or it is passed to an organisation
// serving the location's council or to a person there.

// Null: no such case for this actor (a 404).
export type WriteOutcome = Outcome<null> | null

type Owner = { organisationId: string; userId: string | null }

const passRefusal = 'Only the owning organisation or the council can pass this case on'

async function changeOwner(
  { db, clock }: CaseworkDeps,
  actor: Actor,
  caseId: string,
  target: Owner,
  kind: 'ownership_taken' | 'passed',
): Promise<WriteOutcome> {
  return db.transaction().execute(async (trx): Promise<WriteOutcome> => {
    const found = await caseForActor(trx, actor, caseId, true)
    if (!found) return null
    // Checked again on the locked row: someone else may have taken or passed it a moment ago.
    if (kind === 'ownership_taken') {
      const allowed = mayTakeOwnership(actor, found)
      if (!allowed.ok) return { ok: false as const, errors: { takeOwnership: allowed.reason } }
    } else if (!mayManageCase(actor, found)) return { ok: false as const, errors: { passTo: passRefusal } }
    const now = clock.now()
    const status: CaseStatus = nextStatus(found.status, kind)
    await setCaseOwner(trx, found.id, target, status, now)
    const to = await ownerInWords(trx, target)
    await addCaseEvent(trx, {
      caseId: found.id,
      kind,
      note: kind === 'ownership_taken' ? `Ownership taken by ${to}` : `Passed to ${to}`,
      details: {
        from: { organisationId: found.owningOrganisationId, userId: found.ownerUserId },
        to: target,
      },
      actorUserId: actor.userId,
      occurredAt: now,
    })
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: kind === 'ownership_taken' ? AuditAction.caseOwnershipTaken : AuditAction.casePassed,
      entityType: 'case',
      entityId: found.id,
      before: {
        status: found.status,
        owningOrganisationId: found.owningOrganisationId,
        ownerUserId: found.ownerUserId,
      },
      after: { status, owningOrganisationId: target.organisationId, ownerUserId: target.userId },
      occurredAt: now,
    })
    return { ok: true as const, value: null }
  })
}

// Take ownership: the case becomes the actor's organisation's, with the actor as its owner.
export async function takeOwnership(deps: CaseworkDeps, actor: Actor, caseId: string): Promise<WriteOutcome> {
  const found = await caseForActor(deps.db, actor, caseId)
  if (!found) return null
  const allowed = mayTakeOwnership(actor, found)
  if (!allowed.ok) return { ok: false, errors: { takeOwnership: allowed.reason } }
  const me = { organisationId: actor.organisationId, userId: actor.userId }
  return changeOwner(deps, actor, caseId, me, 'ownership_taken')
}

// Pass the case to an organisation serving the location's council, or to a person in one (the form).
export async function passCase(
  deps: CaseworkDeps,
  actor: Actor,
  caseId: string,
  form: unknown,
): Promise<WriteOutcome> {
  const found = await caseForActor(deps.db, actor, caseId)
  if (!found) return null
  if (!mayManageCase(actor, found)) return { ok: false, errors: { passTo: passRefusal } }
  const targets = await passTargets(deps.db, actor, found.locationId)
  const parsed = parseForm(passCaseForm(targets.map((t) => t.value)), form, passCaseMessages)
  if (!parsed.ok) return parsed
  const target = targets.find((t) => t.value === parsed.value.passTo)!.owner
  if (target.organisationId === found.owningOrganisationId && target.userId === found.ownerUserId)
    return { ok: false, errors: { passTo: 'The case is already theirs: select someone else' } }
  return changeOwner(deps, actor, caseId, target, 'passed')
}
