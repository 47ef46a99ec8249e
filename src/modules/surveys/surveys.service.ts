import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { type Audience, sendingCouncil } from '../bulletins/index.ts'
import {
  answerInWords,
  checkAnswer,
  isOpen,
  responseRate,
  resultsOf,
  type SurveyAnswers,
  type SurveyQuestion,
} from './domain/survey.rules.ts'
import { surveysAuditActions as actions } from './surveys.audit-actions.ts'
import { surveysPaths } from './surveys.paths.ts'
import {
  findSurvey,
  isAsked,
  queueReminders,
  responseCounts,
  responseOf,
  saveAnswer,
  submittedResponses,
} from './surveys.repository.ts'

export type SurveyService = ReturnType<typeof createSurveyService>
export type NewSurvey = { title: string; questions: SurveyQuestion[]; opensOn: string; closesOn: string }

// Surveys: a council's officers ask providers questions one per page, see the results and remind
// those who have not answered; each provider answers once, any of its users saving page by page.
export function createSurveyService(deps: { db: Db; clock: Clock; baseUrl: string }) {
  const { db, clock, baseUrl } = deps
  const today = () => londonDate(clock.now())

  async function officerSurvey(actor: Actor, id: string) {
    const council = sendingCouncil(actor)
    if (!council || !isUuid(id)) return null
    const survey = await findSurvey(db, id)
    return survey?.councilId === council ? survey : null
  }

  // A survey this provider is asked and may answer today.
  async function providerSurvey(actor: Actor, id: string) {
    if (actor.role !== 'provider_manager' || !actor.providerId || !isUuid(id)) return null
    const survey = await findSurvey(db, id)
    if (!survey || !(await isAsked(db, survey, actor.providerId))) return null
    const response = await responseOf(db, id, actor.providerId)
    return {
      survey,
      answers: response?.answers ?? {},
      submitted: Boolean(response?.submittedAt),
      open: isOpen(survey, today()),
    }
  }

  async function list(actor: Actor) {
    const council = sendingCouncil(actor)
    if (council) {
      const surveys = await db
        .selectFrom('surveys')
        .selectAll()
        .where('councilId', '=', council)
        .orderBy('opensOn', 'desc')
        .execute()
      const rows = []
      for (const s of surveys) {
        const counts = await responseCounts(db, s)
        rows.push({ ...s, ...counts, rate: responseRate(counts.responded, counts.audience) })
      }
      return { kind: 'officer' as const, surveys: rows }
    }
    if (actor.role !== 'provider_manager' || !actor.providerId) return { kind: 'none' as const, surveys: [] }
    const open = await db
      .selectFrom('surveys')
      .selectAll()
      .where('opensOn', '<=', today())
      .where('closesOn', '>=', today())
      .orderBy('closesOn')
      .execute()
    const asked = []
    for (const s of open) {
      if (!(await isAsked(db, s, actor.providerId))) continue
      const response = await responseOf(db, s.id, actor.providerId)
      asked.push({ ...s, submitted: Boolean(response?.submittedAt) })
    }
    return { kind: 'provider' as const, surveys: asked }
  }

  async function create(actor: Actor, survey: NewSurvey, audience: Audience): Promise<{ id: string } | null> {
    const council = sendingCouncil(actor)
    if (!council) return null
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('surveys')
        .values({
          councilId: council,
          title: survey.title,
          questions: JSON.stringify(survey.questions),
          audience: JSON.stringify(audience),
          opensOn: survey.opensOn,
          closesOn: survey.closesOn,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.surveyCreated,
        entityType: 'survey',
        entityId: row.id,
        after: { ...survey, audience },
        occurredAt: now,
      })
      return row
    })
  }

  // A provider's answer to question n (1-based): checked as a return's field, saved as a draft.
  async function answer(
    actor: Actor,
    id: string,
    n: number,
    raw: unknown,
  ): Promise<Outcome<{ next: number | null }> | null> {
    const found = await providerSurvey(actor, id)
    const question = found?.survey.questions[n - 1]
    if (!found || !question || !found.open || found.submitted) return null
    const checked = checkAnswer(question, raw)
    if (!checked.ok) return { ok: false, errors: { answer: checked.message } }
    const answers = { ...found.answers, [question.key]: checked.value }
    await saveAnswer(
      db,
      { surveyId: id, providerId: actor.providerId!, userId: actor.userId },
      answers,
      clock.now(),
    )
    return { ok: true, value: { next: n < found.survey.questions.length ? n + 1 : null } }
  }

  // Submits the provider's answers once every required question is answered.
  async function submit(actor: Actor, id: string): Promise<Outcome<{ id: string }> | null> {
    const found = await providerSurvey(actor, id)
    if (!found?.open || found.submitted) return null
    const missing = found.survey.questions.findIndex(
      (q) => q.required && (found.answers[q.key] ?? null) === null,
    )
    if (missing >= 0) return { ok: false, errors: { [`q${missing + 1}`]: `Answer question ${missing + 1}` } }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('surveyResponses')
        .set({ submittedAt: now, userId: actor.userId, updatedAt: now })
        .where('surveyId', '=', id)
        .where('providerId', '=', actor.providerId!)
        .where('submittedAt', 'is', null)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: actions.surveyAnswered,
        entityType: 'survey',
        entityId: id,
        after: { providerId: actor.providerId },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  async function results(actor: Actor, id: string) {
    const survey = await officerSurvey(actor, id)
    if (!survey) return null
    const responses = await submittedResponses(db, id)
    const counts = await responseCounts(db, survey)
    return {
      survey,
      ...counts,
      rate: responseRate(counts.responded, counts.audience),
      results: resultsOf(
        survey.questions,
        responses.map((r) => r.answers as SurveyAnswers),
      ),
      responses,
    }
  }

  // The export: one row per responding provider, one column per question, answers in words.
  async function exportRows(actor: Actor, id: string) {
    const survey = await officerSurvey(actor, id)
    if (!survey) return null
    const responses = await submittedResponses(db, id)
    return {
      title: survey.title,
      header: ['Provider', 'Submitted', ...survey.questions.map((q) => q.label)],
      rows: responses.map((r) => [
        r.providerName,
        r.submittedAt,
        ...survey.questions.map((q) => answerInWords(q, (r.answers as SurveyAnswers)[q.key])),
      ]),
    }
  }

  async function remind(actor: Actor, id: string): Promise<number | null> {
    const survey = await officerSurvey(actor, id)
    if (!survey) return null
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const queued = await queueReminders(
        trx,
        survey,
        `${baseUrl}${surveysPaths.survey.build(id)}`,
        today(),
        now,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: survey.councilId,
        action: actions.surveyRemindersSent,
        entityType: 'survey',
        entityId: id,
        after: { queued },
        occurredAt: now,
      })
      return queued
    })
  }

  return { list, create, providerSurvey, answer, submit, results, exportRows, remind, today }
}
