import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

describe.each(engines)('surveys on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  let surveyId = ''

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Survey Council', { onsCode: 'E10000091' })
    const officer = await createUser(db, ids.council, 'council_officer')
    emails.officer = officer.email
    for (const [key, serviceType] of [
      ['a', 'home_care'],
      ['b', 'home_care'],
      ['c', 'home_care'],
      ['d', 'home_care'],
      ['outside', 'care_home_residential'],
    ] as const) {
      ids[key] = await createProvider(db, `Survey provider ${key}`)
      const org = await createOrganisation(db, 'provider', `Survey provider ${key}`, { providerId: ids[key] })
      await createLocation(db, ids[key]!, ids.council, { serviceType })
      emails[key] = (await createUser(db, org, 'provider_manager')).email
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signedIn(who: string) {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  // A provider answers every question through the pages, as a browser without JavaScript would.
  async function answerAll(who: string, answers: string[]) {
    const client = await signedIn(who)
    expect((await client.get(`/surveys/${surveyId}`)).statusCode).toBe(200)
    for (const [i, answer] of answers.entries()) {
      await client.get(`/surveys/${surveyId}/questions/${i + 1}`)
      const posted = await client.post(`/surveys/${surveyId}/questions/${i + 1}`, { answer })
      expect(posted.statusCode, posted.body.slice(0, 400)).toBe(302)
    }
    const check = await client.get(`/surveys/${surveyId}/check`)
    expect(check.statusCode).toBe(200)
    expect((await client.post(`/surveys/${surveyId}/check`, {})).headers.location).toBe(
      `/surveys/${surveyId}/done`,
    )
    return client
  }

  it('is created by an officer for a subset of providers, with dates and questions checked', async () => {
    const officer = await signedIn('officer')
    await officer.get('/surveys/new')
    const bad = await officer.post('/surveys/new', {
      title: 'Needs survey',
      'opensOn-day': '14',
      'opensOn-month': '4',
      'opensOn-year': '2020',
      'closesOn-day': '1',
      'closesOn-month': '4',
      'closesOn-year': '2020',
      questions: 'colour: What?',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('The date the survey closes must be the same as or after the date it opens')
    expect(bad.body).toContain('Question 1 must start with number:, yes-no:, choice: or text:')
    const created = await officer.post('/surveys/new', {
      title: 'Needs survey',
      'opensOn-day': '14',
      'opensOn-month': '4',
      'opensOn-year': '2020',
      'closesOn-day': '30',
      'closesOn-month': '4',
      'closesOn-year': '2020',
      questions: [
        'yes-no: Do you have enough aprons?',
        'number: How many staff are off sick?',
        'choice: What do you need most? | PPE | Staff | Testing',
        'text?: Anything else?',
      ].join('\n'),
      serviceTypes: 'home_care',
    })
    expect(created.statusCode).toBe(302)
    surveyId = created.headers.location!.split('/')[2]!
  })

  it('takes answers one question per page, checked like a return, from the audience only', async () => {
    const outside = await signedIn('outside')
    expect((await outside.get(`/surveys/${surveyId}`)).statusCode).toBe(404)

    const a = await signedIn('a')
    await a.get(`/surveys/${surveyId}/questions/2`)
    const wrong = await a.post(`/surveys/${surveyId}/questions/2`, { answer: 'lots' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('How many staff are off sick? must be a whole number')
    // Sending before every required answer is given names the question to answer.
    await a.get(`/surveys/${surveyId}/check`)
    const early = await a.post(`/surveys/${surveyId}/check`, {})
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('Answer question 1')

    await answerAll('a', ['yes', '3', 'c1', 'More =masks please'])
    await answerAll('b', ['no', '12', 'c1', ''])
    await answerAll('c', ['no', '0', 'c3', 'Testing for agency staff'])
    // Answered once: the pages are closed to them now.
    expect((await a.get(`/surveys/${surveyId}/questions/1`)).statusCode).toBe(404)
  })

  it('gives a response rate and results equal to direct counts, and reminds only non-responders', async () => {
    const officer = await signedIn('officer')
    const page = await officer.get(`/surveys/${surveyId}/results`)
    expect(page.statusCode).toBe(200)
    const { rows } = await sql<{ responded: string; yes: string; no: string; staff: string; ppe: string }>`
      select count(*) as responded,
        count(*) filter (where answers->>'q1' = 'true') as yes,
        count(*) filter (where answers->>'q1' = 'false') as no,
        sum((answers->>'q2')::int) as staff,
        count(*) filter (where answers->>'q3' = 'c1') as ppe
      from survey_responses where survey_id = ${surveyId} and submitted_at is not null`.execute(t.database.db)
    const direct = Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]))
    expect(direct).toEqual({ responded: 3, yes: 1, no: 2, staff: 15, ppe: 2 })
    expect(page.body).toContain('<span id="response-rate">75%</span>: 3 of 4 providers')
    expect(page.body).toMatch(/<th scope="row" class="govuk-table__header">Yes<\/th><td[^>]*>1<\/td>/)
    expect(page.body).toMatch(/<th scope="row" class="govuk-table__header">No<\/th><td[^>]*>2<\/td>/)
    expect(page.body).toContain('(3 answered, 15 in all)')
    expect(page.body).toContain('Testing for agency staff')
    expect(page.body).toContain('<svg')

    const csv = await officer.get(`/surveys/${surveyId}/results.csv`)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('Survey provider a')
    expect(csv.body).toContain('More =masks please')
    const xlsx = await officer.get(`/surveys/${surveyId}/results.xlsx`)
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK')

    await officer.post(`/surveys/${surveyId}/remind`, {})
    const reminded = await t.database.db
      .selectFrom('outboxMessages')
      .select('toAddress')
      .where('kind', '=', 'survey-reminder')
      .execute()
    expect(reminded.map((r) => r.toAddress)).toEqual([emails.d])
    // Asked again the same day: nobody is reminded twice.
    expect((await officer.post(`/surveys/${surveyId}/remind`, {})).headers.location).toContain('reminded=0')
  })

  it('takes no answers once closed', async () => {
    t.clock.set(new Date('2020-05-02T09:00:00Z'))
    const d = await signedIn('d')
    expect((await d.get(`/surveys/${surveyId}/questions/1`)).statusCode).toBe(404)
    expect((await d.get(`/surveys/${surveyId}`)).body).toContain('This survey is open from')
  })
})
