import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { type Audience, audienceLocations, audienceUsers } from '../bulletins/index.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'

// The providers a survey asks: those its audience means today (bulletins' one definition).
export function surveyProviders(db: DbOrTransaction, survey: { audience: Audience; councilId: string }) {
  return audienceLocations(db, survey.audience, [survey.councilId]).select('locations.providerId').distinct()
}

export async function findSurvey(db: DbOrTransaction, id: string) {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function isAsked(
  db: DbOrTransaction,
  survey: { audience: Audience; councilId: string },
  providerId: string,
) {
  const row = await db
    .selectFrom(surveyProviders(db, survey).as('p'))
    .select('p.providerId')
    .where('p.providerId', '=', providerId)
    .executeTakeFirst()
  return Boolean(row)
}

// The audience's size and how many of it have submitted: the response rate's two figures.
export async function responseCounts(
  db: DbOrTransaction,
  survey: { id: string; audience: Audience; councilId: string },
) {
  const providers = surveyProviders(db, survey)
  const row = await db
    .selectFrom(providers.as('p'))
    .select((eb) => [
      eb.fn.countAll<string>().as('audience'),
      sql<string>`count(*) filter (where exists (select 1 from survey_responses r
        where r.survey_id = ${survey.id} and r.provider_id = p.provider_id and r.submitted_at is not null))`.as(
        'responded',
      ),
    ])
    .executeTakeFirstOrThrow()
  return { audience: Number(row.audience), responded: Number(row.responded) }
}

export async function submittedResponses(db: DbOrTransaction, surveyId: string) {
  return db
    .selectFrom('surveyResponses')
    .innerJoin('providers', 'providers.id', 'surveyResponses.providerId')
    .select(['providers.name as providerName', 'surveyResponses.answers', 'surveyResponses.submittedAt'])
    .where('surveyId', '=', surveyId)
    .where('submittedAt', 'is not', null)
    .orderBy('providers.name')
    .execute()
}

export async function responseOf(db: DbOrTransaction, surveyId: string, providerId: string) {
  return db
    .selectFrom('surveyResponses')
    .selectAll()
    .where('surveyId', '=', surveyId)
    .where('providerId', '=', providerId)
    .executeTakeFirst()
}

export async function saveAnswer(
  db: DbOrTransaction,
  key: { surveyId: string; providerId: string; userId: string },
  answers: Record<string, unknown>,
  now: Date,
) {
  await db
    .insertInto('surveyResponses')
    .values({ ...key, answers: JSON.stringify(answers), updatedAt: now })
    .onConflict((oc) =>
      oc
        .columns(['surveyId', 'providerId'])
        .doUpdateSet({ answers: JSON.stringify(answers), userId: key.userId, updatedAt: now })
        .where('surveyResponses.submittedAt', 'is', null),
    )
    .execute()
}

// Reminders to the users of providers in the audience who have not submitted: once a day at most.
export async function queueReminders(
  db: DbOrTransaction,
  survey: { id: string; title: string; audience: Audience; councilId: string; closesOn: string },
  link: string,
  today: string,
  now: Date,
) {
  const users = audienceUsers(db, survey.audience, [survey.councilId])
  return enqueueEmailsOnce(
    db,
    'survey-reminder',
    sql`select 'survey-reminder:' || ${survey.id}::text || ':' || u.user_id || ':' || ${today}::text as dedupe_key,
        u.email as to_address, ${`Reminder: ${survey.title}`}::text as subject,
        ${`Your organisation has not yet answered the survey "${survey.title}". It closes on ${survey.closesOn}.\n\nAnswer it in CareHub: ${link}`}::text as body
      from (${users}) u
      where not exists (select 1 from survey_responses r where r.survey_id = ${survey.id}
        and r.provider_id = u.provider_id and r.submitted_at is not null)`,
    now,
  )
}
