import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  type FeedbackForm,
  mayManageTraining,
  type OfferForm,
  mayReadTraining,
  parseLicenceCsv,
  summariseFeedback,
  type UptakeForm,
  validateFeedback,
  validateOffer,
  validateUptake,
} from './domain/training.rules.ts'
import { trainingAuditActions } from './training.audit-actions.ts'
import {
  feedbackAt,
  findOffer,
  insertFeedback,
  insertLicenceImport,
  insertUptake,
  licencesAt,
  offersOf,
  providersNamed,
  providersOf,
  uptakeAt,
} from './training.repository.ts'

// Training offers to the council's providers: uptake, e-learning licences and feedback. Council users
// and partners read; council officers and partners' officers record.
export function createTrainingService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function list(actor: Actor) {
    if (!mayReadTraining(actor)) return null
    const now = clock.now()
    const offers = await offersOf(db, actor.councilIds)
    const withUptake = []
    for (const offer of offers) {
      const uptake = await uptakeAt(db, { councilId: offer.councilId, offerId: offer.id }, now)
      const count = (status: string) => uptake.filter((u) => u.status === status).length
      withUptake.push({
        ...offer,
        offered: uptake.length,
        accepted: uptake.filter((u) => ['accepted', 'booked', 'delivered'].includes(u.status)).length,
        declined: count('declined'),
        delivered: count('delivered'),
        attendees: uptake.reduce((s, u) => s + (u.status === 'delivered' ? (u.attendees ?? 0) : 0), 0),
      })
    }
    return withUptake
  }

  const offerFor = async (actor: Actor, id: string) =>
    mayReadTraining(actor) && isUuid(id) ? ((await findOffer(db, actor.councilIds, id)) ?? null) : null

  async function offer(actor: Actor, id: string) {
    const found = await offerFor(actor, id)
    if (!found) return null
    const now = clock.now()
    const where = { councilId: found.councilId, offerId: id }
    const feedback = await feedbackAt(db, where, now)
    return {
      offer: found,
      uptake: await uptakeAt(db, where, now),
      feedback: summariseFeedback(feedback),
      licences: await licencesAt(db, where, now),
      mayManage: mayManageTraining(actor),
      providers: mayManageTraining(actor) ? await providersOf(db, found.councilId) : [],
    }
  }

  async function recordUptake(
    actor: Actor,
    id: string,
    form: UptakeForm,
  ): Promise<Outcome<{ id: string }> | null> {
    if (!mayManageTraining(actor)) return null
    const found = await offerFor(actor, id)
    if (!found) return null
    const providers = await providersOf(db, found.councilId)
    const checked = validateUptake(
      form,
      providers.map((p) => p.id),
    )
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await insertUptake(trx, id, checked.value, actor.userId, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: trainingAuditActions.uptakeRecorded,
        entityType: 'training_uptake',
        entityId: row.id,
        before: null,
        after: { offerId: id, ...checked.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  async function recordFeedback(
    actor: Actor,
    id: string,
    form: FeedbackForm,
  ): Promise<Outcome<{ id: string }> | null> {
    if (!mayManageTraining(actor)) return null
    const found = await offerFor(actor, id)
    if (!found) return null
    const checked = validateFeedback(form)
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await insertFeedback(trx, id, checked.value, actor.userId, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: trainingAuditActions.feedbackRecorded,
        entityType: 'training_feedback',
        entityId: row.id,
        before: null,
        after: { offerId: id, ...checked.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  // A new offer to the providers of the council the actor works for (or serves first).
  const mayAddOffer = (actor: Actor) => mayManageTraining(actor) && actor.councilIds.length > 0
  async function addOffer(actor: Actor, form: OfferForm): Promise<Outcome<{ id: string }> | null> {
    const councilId = mayAddOffer(actor) ? actor.councilIds[0]! : null
    if (!councilId) return null
    const checked = validateOffer(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('trainingOffers')
        .values({ councilId, ...checked.value, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: trainingAuditActions.offerAdded,
        entityType: 'training_offer',
        entityId: row.id,
        before: null,
        after: { councilId, ...checked.value },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  // The learning platform's CSV for an e-learning offer: all of it, or (with problems) none of it.
  // Whether the actor may import licences for this offer: asked before the file is read, so that one
  // not let in is refused (404) whatever they send.
  async function mayImportLicences(actor: Actor, id: string) {
    return mayManageTraining(actor) && (await offerFor(actor, id)) !== null
  }

  async function importLicences(
    actor: Actor,
    id: string,
    file: { fileName: string; content: Buffer },
  ): Promise<
    { ok: true; organisations: number; matched: number } | { ok: false; problems: string[] } | null
  > {
    if (!mayManageTraining(actor)) return null
    const found = await offerFor(actor, id)
    if (!found) return null
    if (found.kind !== 'e_learning')
      return { ok: false, problems: ['Licences are imported for e-learning offers only'] }
    const parsed = parseLicenceCsv(file.content.toString('utf8'))
    if (!parsed.ok) return parsed
    const now = clock.now()
    const byName = await providersNamed(
      db,
      parsed.value.map((r) => r.organisationName),
    )
    const rows = parsed.value.map((r) => ({
      ...r,
      providerId: byName.get(r.organisationName.toLowerCase()) ?? null,
    }))
    await db.transaction().execute(async (trx) => {
      const importId = await insertLicenceImport(
        trx,
        {
          councilId: found.councilId,
          offerId: id,
          fileName: file.fileName,
          importedBy: actor.userId,
          importedAt: now,
        },
        rows,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: trainingAuditActions.licencesImported,
        entityType: 'training_licence_import',
        entityId: importId,
        before: null,
        after: { offerId: id, fileName: file.fileName, organisations: rows.length },
        occurredAt: now,
      })
    })
    return { ok: true, organisations: rows.length, matched: rows.filter((r) => r.providerId).length }
  }

  return {
    list,
    offer,
    offerFor,
    recordUptake,
    recordFeedback,
    mayImportLicences,
    importLicences,
    mayAddOffer,
    addOffer,
  }
}

export type TrainingService = ReturnType<typeof createTrainingService>
