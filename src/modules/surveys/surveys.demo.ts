import type { Faker } from '@faker-js/faker'
import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'
import { everyone } from '../bulletins/index.ts'
import { parseQuestions } from './domain/survey.rules.ts'

const needs = parseQuestions(
  [
    'yes-no: Do you have enough PPE for the next 7 days?',
    'number: How many staff are off work because of COVID-19?',
    'choice: What do you need most from the council? | PPE | Staff | Testing | Money | Guidance',
    'yes-no: Have you been able to test all your staff this week?',
    'text?: What else would help you most?',
  ].join('\n'),
)

const wishes = [
  'More notice of changes to guidance',
  'A single place to order PPE',
  'Help recruiting night staff',
  'Faster test results',
  'Clearer rules on visiting',
  'Payment for extra hours sooner',
  'Mental health support for our staff',
]

// The demo's needs survey, open today, answered by about a hundred of the county's providers (but not
// the demo provider, whose manager can still answer it).
export async function loadDemoSurveys(trx: DbOrTransaction, now: Date, faker: Faker): Promise<number> {
  if (!('questions' in needs)) return 0
  const officer = await trx
    .selectFrom('users')
    .select(['id', 'organisationId'])
    .where('email', '=', 'officer@northmoor.example')
    .executeTakeFirst()
  const demoProvider = await trx
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .select('organisations.providerId')
    .where('users.email', '=', 'manager@meadowcare.example')
    .executeTakeFirst()
  if (!officer) return 0
  const today = londonDate(now)
  const daysFrom = (d: number) => londonDate(new Date(now.getTime() + d * 86_400_000))
  const survey = await trx
    .insertInto('surveys')
    .values({
      councilId: officer.organisationId,
      title: 'Provider needs survey',
      questions: JSON.stringify(needs.questions),
      audience: JSON.stringify(everyone),
      opensOn: daysFrom(-10),
      closesOn: daysFrom(7),
      createdBy: officer.id,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const providers = await trx
    .selectFrom('locations')
    .select('providerId')
    .distinct()
    .where('councilId', '=', officer.organisationId)
    .where('status', '=', 'open')
    .$if(Boolean(demoProvider?.providerId), (q) => q.where('providerId', '<>', demoProvider!.providerId!))
    .orderBy('providerId')
    .limit(104)
    .execute()
  const responses = providers.map((p) => ({
    surveyId: survey.id,
    providerId: p.providerId,
    userId: null,
    answers: JSON.stringify({
      q1: faker.datatype.boolean(0.7),
      q2: faker.number.int({ min: 0, max: 12 }),
      q3: faker.helpers.arrayElement(['c1', 'c1', 'c2', 'c2', 'c2', 'c3', 'c4', 'c5']),
      q4: faker.datatype.boolean(0.55),
      q5: faker.datatype.boolean(0.4) ? faker.helpers.arrayElement(wishes) : null,
    }),
    submittedAt: new Date(now.getTime() - faker.number.int({ min: 1, max: 9 * 24 }) * 3_600_000),
    updatedAt: now,
  }))
  if (responses.length) await trx.insertInto('surveyResponses').values(responses).execute()
  void today
  return responses.length
}
