import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { ContactCategory } from '../../domain/contact-categories.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import {
  type AskForm,
  type LogForm,
  mayAskEnquiries,
  mayWorkEnquiries,
  receivedAtFor,
  validateAsk,
  validateLog,
} from './domain/enquiry.rules.ts'
import { enquiryDueAt } from './domain/working-days.ts'
import {
  addEnquiryEvent,
  councilOfLocation,
  insertEnquiry,
  locationInScope,
  type NewEnquiry,
  openLocationsInScope,
} from './enquiries.repository.ts'
import { targetWorkingDays as readTarget } from './enquiry-target.ts'

// How enquiries come in: a provider manager asks in CareHub (checked, then sent), or a council officer
// logs one taken by phone or e-mail. Either way it goes to one council and is due by that council's
// target, fixed when it is received.
export function createEnquiryIntake(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The target of the council a provider's question about this location goes to, when it is known.
  async function askTargetDays(actor: Actor, locationId: string): Promise<number | null> {
    if (!mayAskEnquiries(actor) || !isUuid(locationId)) return null
    const councilId = await councilFor(locationId, actor)
    return councilId ? readTarget(db, councilId) : null
  }

  // The council a location's enquiries go to: a council's own staff log them for their council;
  // otherwise the council whose area it is in, or one that contracts it.
  const councilFor = async (locationId: string, actor: Actor) =>
    actor.organisationKind === 'council' ? actor.organisationId : councilOfLocation(db, locationId)

  // The provider manager's locations, to choose the one the question is about.
  async function askFormFor(actor: Actor) {
    if (!mayAskEnquiries(actor)) return null
    return openLocationsInScope(db, actor)
  }

  // A new enquiry, due by the target of the council it goes to, fixed now.
  async function addEnquiry(trx: DbOrTransaction, actor: Actor, values: NewEnquiry) {
    const now = clock.now()
    const days = await readTarget(trx, values.councilId)
    const row = await insertEnquiry(trx, values, enquiryDueAt(values.receivedAt, days), now)
    await addEnquiryEvent(trx, {
      enquiryId: row.id,
      kind: 'received',
      details: { channel: values.channel, targetWorkingDays: days },
      actorUserId: actor.userId,
      occurredAt: now,
    })
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.enquiryCreated,
      entityType: 'enquiry',
      entityId: row.id,
      after: { ...values, reference: row.reference },
      occurredAt: now,
    })
    return row
  }

  // Checks a question without saving it, for the check-your-answers page; ask() checks again.
  async function prepareAsk(
    actor: Actor,
    form: AskForm,
  ): Promise<Outcome<{
    locationId: string
    locationName: string
    category: ContactCategory
    question: string
    councilId: string
  }> | null> {
    const locations = await askFormFor(actor)
    if (!locations) return null
    const checked = validateAsk(
      form,
      locations.map((l) => l.id),
    )
    if (!checked.ok) return checked
    const councilId = await councilFor(checked.value.locationId, actor)
    if (!councilId)
      return {
        ok: false,
        errors: {
          locationId: 'This location is not linked to a council yet: telephone your council instead',
        },
      }
    const locationName = locations.find((l) => l.id === checked.value.locationId)!.name
    return { ok: true, value: { ...checked.value, councilId, locationName } }
  }

  async function ask(
    actor: Actor,
    form: AskForm,
  ): Promise<Outcome<{ id: string; reference: string }> | null> {
    const checked = await prepareAsk(actor, form)
    if (!checked?.ok) return checked
    const councilId = checked.value.councilId
    const row = await db.transaction().execute((trx) =>
      addEnquiry(trx, actor, {
        councilId,
        locationId: checked.value.locationId,
        providerId: actor.providerId!,
        channel: 'web',
        category: checked.value.category,
        question: checked.value.question,
        askedByUserId: actor.userId,
        askedByName: null,
        receivedAt: clock.now(),
      }),
    )
    return { ok: true, value: row }
  }

  // A location the officer may log an enquiry for (in scope, and the actor works enquiries).
  async function logFormFor(actor: Actor, locationId: string) {
    if (!mayWorkEnquiries(actor) || !isUuid(locationId)) return null
    return (await locationInScope(db, actor, locationId)) ?? null
  }

  async function log(
    actor: Actor,
    locationId: string,
    form: LogForm,
  ): Promise<Outcome<{ id: string; reference: string }> | null> {
    const location = await logFormFor(actor, locationId)
    if (!location) return null
    const now = clock.now()
    const checked = validateLog(form, now)
    if (!checked.ok) return checked
    const councilId = await councilFor(locationId, actor)
    if (!councilId) return { ok: false, errors: { channel: 'This location is not linked to a council' } }
    const row = await db.transaction().execute((trx) =>
      addEnquiry(trx, actor, {
        councilId,
        locationId,
        providerId: location.providerId,
        channel: checked.value.channel,
        category: checked.value.category,
        question: checked.value.question,
        askedByUserId: null,
        askedByName: checked.value.askedByName,
        receivedAt: receivedAtFor(checked.value.receivedOn, now),
      }),
    )
    return { ok: true, value: row }
  }

  return { askTargetDays, askFormFor, prepareAsk, ask, logFormFor, log }
}
