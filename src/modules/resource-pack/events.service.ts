import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { type FaqForm, insertFaqEntry, validateFaq } from '../enquiries/index.ts'
import { type EventKind, eventKinds } from './domain/resources.rules.ts'
import { resourcePackAuditActions as actions } from './resource-pack.audit-actions.ts'
import { councilsFor, mayKeep } from './resources.service.ts'

export type EventService = ReturnType<typeof createEventService>
export type NewEvent = { title: string; kind: EventKind; startsAt: Date; audience: string }

export function checkEvent(
  form: { title: string; kind: string; audience: string },
  startsAt: Date | null,
  now: Date,
): Outcome<NewEvent> {
  const errors: Record<string, string> = {}
  const title = form.title.trim()
  if (!title) errors.title = 'Enter a title'
  else if (title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (!(eventKinds as readonly string[]).includes(form.kind)) errors.kind = 'Select the kind of event'
  if (!startsAt) errors.startsOn = 'Enter the date and time it starts, like 27 4 2020 and 14:00'
  else if (startsAt <= now) errors.startsOn = 'The date and time it starts must be in the future'
  const audience = form.audience.trim()
  if (!audience) errors.audience = 'Enter who it is for'
  else if (audience.length > 200) errors.audience = 'Who it is for must be 200 characters or fewer'
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { title, kind: form.kind as EventKind, startsAt: startsAt!, audience } }
}

// Teleconferences and webinars: sign-up, attendance, and questions asked that become FAQ entries.
export function createEventService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function list(actor: Actor) {
    if (!can(actor, 'communications:read')) return null
    const councils = await councilsFor(db, actor)
    if (!councils.length) return { events: [], mayKeep: mayKeep(actor) }
    const events = await db
      .selectFrom('careEvents')
      .selectAll()
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('careEventSignups')
              .select('userId')
              .whereRef('careEventSignups.eventId', '=', 'careEvents.id')
              .where('careEventSignups.userId', '=', actor.userId),
          )
          .as('signedUp'),
      )
      .where('councilId', 'in', councils)
      .orderBy('startsAt', 'desc')
      .limit(100)
      .execute()
    return { events, mayKeep: mayKeep(actor) }
  }

  async function event(actor: Actor, id: string) {
    if (!isUuid(id) || !can(actor, 'communications:read')) return null
    const councils = await councilsFor(db, actor)
    if (!councils.length) return null
    const found = await db
      .selectFrom('careEvents')
      .selectAll()
      .where('id', '=', id)
      .where('councilId', 'in', councils)
      .executeTakeFirst()
    if (!found) return null
    const signups = await db
      .selectFrom('careEventSignups')
      .innerJoin('users', 'users.id', 'careEventSignups.userId')
      .innerJoin('organisations', 'organisations.id', 'users.organisationId')
      .select([
        'users.id as userId',
        'users.displayName',
        'organisations.name as organisationName',
        'careEventSignups.attended',
      ])
      .where('eventId', '=', id)
      .orderBy('organisations.name')
      .orderBy('users.displayName')
      .execute()
    const questions = await db
      .selectFrom('careEventQuestions')
      .selectAll()
      .where('eventId', '=', id)
      .orderBy('createdAt')
      .execute()
    const keeper = mayKeep(actor) && found.councilId === actor.organisationId
    return {
      event: found,
      signedUp: signups.some((s) => s.userId === actor.userId),
      signups: keeper ? signups : [],
      signupCount: signups.length,
      questions: keeper ? questions : [],
      mayKeep: keeper,
    }
  }

  const audit = (
    actor: Actor,
    action: (typeof actions)[keyof typeof actions],
    id: string,
    after: unknown,
    now: Date,
  ) => ({
    actorUserId: actor.userId,
    organisationId: actor.organisationId,
    action,
    entityType: 'event',
    entityId: id,
    after,
    occurredAt: now,
  })

  async function create(actor: Actor, event: NewEvent): Promise<{ id: string } | null> {
    if (!mayKeep(actor)) return null
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('careEvents')
        .values({ councilId: actor.organisationId, ...event, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, audit(actor, actions.eventCreated, row.id, event, now))
      return row
    })
  }

  async function signUp(actor: Actor, id: string): Promise<boolean> {
    const found = await event(actor, id)
    if (!found || found.event.startsAt <= clock.now()) return false
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('careEventSignups')
        .values({ eventId: id, userId: actor.userId, signedUpAt: now, attended: null })
        .onConflict((oc) => oc.columns(['eventId', 'userId']).doNothing())
        .execute()
      await recordAudit(trx, audit(actor, actions.eventSignedUp, id, { userId: actor.userId }, now))
    })
    return true
  }

  // Who came: the signed-up users ticked; everyone else signed up did not.
  async function recordAttendance(actor: Actor, id: string, attended: string[]): Promise<boolean> {
    const found = await event(actor, id)
    if (!found?.mayKeep) return false
    const now = clock.now()
    const came = found.signups.filter((s) => attended.includes(s.userId)).map((s) => s.userId)
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('careEventSignups').set({ attended: false }).where('eventId', '=', id).execute()
      if (came.length)
        await trx
          .updateTable('careEventSignups')
          .set({ attended: true })
          .where('eventId', '=', id)
          .where('userId', 'in', came)
          .execute()
      await recordAudit(
        trx,
        audit(actor, actions.eventAttendanceRecorded, id, { attended: came.length }, now),
      )
    })
    return true
  }

  async function addQuestion(
    actor: Actor,
    id: string,
    question: string,
    answer: string,
  ): Promise<Outcome<{ id: string }> | null> {
    const found = await event(actor, id)
    if (!found?.mayKeep) return null
    if (!question.trim()) return { ok: false, errors: { question: 'Enter the question that was asked' } }
    if (question.length > 2000)
      return { ok: false, errors: { question: 'Question must be 2,000 characters or fewer' } }
    if (answer.length > 5000)
      return { ok: false, errors: { answer: 'Answer must be 5,000 characters or fewer' } }
    const now = clock.now()
    const row = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('careEventQuestions')
        .values({ eventId: id, question: question.trim(), answer: answer.trim() || null, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, audit(actor, actions.eventQuestionRecorded, id, { question }, now))
      return row
    })
    return { ok: true, value: row }
  }

  // A question asked at the event, answered, published in the council's FAQ (the enquiries' FAQ).
  async function questionToFaq(
    actor: Actor,
    id: string,
    questionId: string,
    form: FaqForm,
  ): Promise<Outcome<{ faqEntryId: string }> | null> {
    const found = await event(actor, id)
    const question = found?.questions.find((q) => q.id === questionId)
    if (!found?.mayKeep || !question || question.faqEntryId) return null
    const checked = validateFaq(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const faqEntryId = await db.transaction().execute(async (trx) => {
      const faqEntryId = await insertFaqEntry(trx, {
        ...checked.value,
        councilId: found.event.councilId,
        sourceEnquiryId: null,
        createdBy: actor.userId,
        now,
      })
      await trx.updateTable('careEventQuestions').set({ faqEntryId }).where('id', '=', questionId).execute()
      await recordAudit(
        trx,
        audit(actor, actions.eventQuestionToFaq, id, { questionId, faqEntryId, ...checked.value }, now),
      )
      return faqEntryId
    })
    return { ok: true, value: { faqEntryId } }
  }

  return { list, event, create, signUp, recordAttendance, addQuestion, questionToFaq }
}
