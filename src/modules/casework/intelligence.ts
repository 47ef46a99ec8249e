import { randomUUID } from 'node:crypto'
import type { Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { raiseAlert } from '../early-warning/index.ts'
import { eligibleOrganisations } from './case.repository.ts'
import { type CaseworkDeps, locationForActor } from './case-reads.ts'
import { userName } from './case-writes.repository.ts'
import { intelligenceMessages, intelligenceForm as intelligenceSchema } from './casework.forms.ts'
import { mayWorkCases } from './domain/casework.rules.ts'

// Intelligence from partners: what a partner reported about a location becomes an alert on its case.

// The location and the organisations that may have reported it, when the actor works cases there.
export async function intelligenceForm({ db }: CaseworkDeps, actor: Actor, locationId: string) {
  if (!mayWorkCases(actor)) return null
  const location = await locationForActor(db, actor, locationId)
  if (!location) return null
  const organisations = await eligibleOrganisations(db, actor.councilIds, location.id)
  return { location, organisations }
}

export async function recordIntelligence(
  deps: CaseworkDeps,
  actor: Actor,
  locationId: string,
  form: unknown,
): Promise<Outcome<{ caseId: string }> | null> {
  const found = await intelligenceForm(deps, actor, locationId)
  if (!found) return null
  const partnerIds = found.organisations.map((o) => o.id)
  const parsed = parseForm(intelligenceSchema(partnerIds), form, intelligenceMessages)
  if (!parsed.ok) return parsed
  const input = parsed.value
  const partner = found.organisations.find((o) => o.id === input.partnerOrganisationId)!
  const caseId = await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const raised = await raiseAlert(trx, {
      locationId: found.location.id,
      source: 'intelligence',
      alertKey: `intelligence-${randomUUID()}`,
      severity: input.severity as 'red' | 'amber',
      title: input.title.trim(),
      message: `Intelligence from ${partner.name}`,
      evidence: {
        reportedBy: partner.name,
        reportedByOrganisationId: partner.id,
        report: input.report.trim(),
        recordedBy: await userName(trx, actor.userId),
      },
      actorUserId: actor.userId,
      at: now,
    })
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.intelligenceRecorded,
      entityType: 'alert',
      entityId: raised.alertId,
      after: {
        locationId: found.location.id,
        caseId: raised.caseId,
        severity: input.severity,
        title: input.title.trim(),
        reportedBy: partner.id,
      },
      occurredAt: now,
    })
    return raised.caseId
  })
  return { ok: true, value: { caseId } }
}
