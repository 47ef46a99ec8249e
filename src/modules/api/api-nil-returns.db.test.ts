import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { apiHelpers, type Problem, seedApiFixtures } from './api.test-support.ts'
import { exampleNilSubmission, exampleSubmission } from './index.ts'

// A nil return through the API: no figures this period, and why, checked and saved by the returns'
// nil return service as the web's "Nothing to report" is; read back with `nilReturn`. Every refusal
// is problem JSON naming the field, and saves nothing.
describe.each(engines)('nil returns through the API on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const tokens: Record<string, string> = {}
  const { signedIn, createToken, api } = apiHelpers(() => t, emails)

  // What a refusal must leave as it was: every return and every audit record.
  const everything = async () => ({
    returns: await t.database.db.selectFrom('situationReturns').selectAll().orderBy('id').execute(),
    audit: await t.database.db.selectFrom('auditEvents').select('id').orderBy('id').execute(),
  })

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await seedApiFixtures(t.database.db, ids, emails, cqc)
    t.clock.set(new Date('2020-04-15T08:00:00Z'))
    tokens.a = await createToken('managerA', 'Care records system')
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('takes the documented nil return: 201, saved with its audit record, read back and shown as nil on the web', async () => {
    t.clock.set(new Date('2020-04-15T08:00:00Z'))
    const request = {
      token: tokens.a,
      body: { ...exampleNilSubmission, locationId: cqc.homeA },
      headers: { 'idempotency-key': 'nil-0001' },
    }
    const response = await api('POST', '/api/v1/returns', request)
    expect(response.statusCode, response.body).toBe(201)
    const body = response.json()
    expect(body).toEqual({
      id: expect.any(String),
      locationId: ids.homeA,
      periodStart: '2020-04-15',
      version: 1,
    })
    const { reason, details } = exampleNilSubmission.nilReturn
    const saved = await t.database.db
      .selectFrom('situationReturns')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(saved).toMatchObject({
      nilReturn: true,
      nilReason: reason,
      nilDetails: details,
      values: {},
      source: 'api',
      submittedBy: ids.managerA,
    })
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('entityId', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ action: 'return-submitted', actorUserId: ids.managerA })
    expect(audit.after).toMatchObject({ source: 'api', nilReturn: { reason, details } })
    // A retry with the same key gets the first answer; the same nil return again is the same one.
    expect((await api('POST', '/api/v1/returns', request)).json().id).toBe(body.id)
    const again = await api('POST', '/api/v1/returns', { ...request, headers: {} })
    expect(again.statusCode).toBe(201)
    expect(again.json().id).toBe(body.id)

    const one = (await api('GET', `/api/v1/returns/${body.id}`, { token: tokens.a })).json()
    expect(one).toMatchObject({ nilReturn: { reason, details }, values: {}, source: 'api' })
    // A return with figures says it is not a nil return.
    const full = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: ids.homeA2, periodStart: '2020-04-15' },
    })
    expect(full.statusCode).toBe(201)
    const list = await api('GET', '/api/v1/returns?from=2020-04-15', { token: tokens.a })
    const items = (list.json() as { items: { locationId: string; nilReturn: unknown }[] }).items
    expect(Object.fromEntries(items.map((r) => [r.locationId, r.nilReturn]))).toEqual({
      [ids.homeA!]: { reason, details },
      [ids.homeA2!]: null,
    })

    // The web lists it as a nil return, and shows why.
    const web = await signedIn('managerA')
    const history = load((await web.get(`/locations/${ids.homeA}/returns`)).body)
    expect(history('table').text()).toContain('api, nothing to report')
    const page = load((await web.get(`/returns/${body.id}`)).body)
    expect(page('h2').text()).toContain('Nothing to report')
    expect(page('.govuk-summary-list').text()).toContain('Temporarily closed')
    expect(page('.govuk-summary-list').text()).toContain(details)
  })

  it('refuses a nil return it cannot take with a problem naming the field, and saves nothing', async () => {
    t.clock.set(new Date('2020-04-15T09:00:00Z'))
    const before = await everything()
    const send = (body: Record<string, unknown>) =>
      api('POST', '/api/v1/returns', {
        token: tokens.a,
        body: { locationId: cqc.homeA3, periodStart: '2020-04-15', ...body },
      })
    const refusals: [Record<string, unknown>, number, string, { field: string; message: string }[]][] = [
      [
        { nilReturn: { reason: 'on-holiday' } },
        422,
        'validation-failed',
        [
          {
            field: 'nilReturn.reason',
            message: 'reason must be one of no-people-supported, temporarily-closed, other',
          },
        ],
      ],
      [
        { nilReturn: { details: 'Closed' } },
        422,
        'validation-failed',
        [expect.objectContaining({ field: 'nilReturn.reason' })],
      ],
      [
        { nilReturn: { reason: 'other', details: '  ' } },
        422,
        'validation-failed',
        [{ field: 'nilReturn.details', message: 'Enter why there is nothing to report' }],
      ],
      [
        { nilReturn: { reason: 'other', details: 'x'.repeat(1001) } },
        422,
        'validation-failed',
        [{ field: 'nilReturn.details', message: 'The details must be 1000 characters or fewer' }],
      ],
      [
        { values: exampleSubmission.values, nilReturn: { reason: 'temporarily-closed' } },
        400,
        'malformed-request',
        [{ field: 'values', message: 'Send values or nilReturn, not both: a nil return has no figures' }],
      ],
      [{ nilReturn: 'closed' }, 400, 'malformed-request', [expect.objectContaining({ field: 'nilReturn' })]],
      [
        { nilReturn: { reason: 'other', details: 5 } },
        400,
        'malformed-request',
        [expect.objectContaining({ field: 'nilReturn' })],
      ],
      [
        { nilReturn: { reason: 'other', details: 'Strike', until: '2020-05-01' } },
        400,
        'malformed-request',
        [expect.objectContaining({ field: 'nilReturn' })],
      ],
      [{ nilReturn: null }, 400, 'malformed-request', [expect.objectContaining({ field: 'values' })]],
      [
        { nilReturn: { reason: 'on-holiday' }, periodStart: '2020-04-20' },
        422,
        'validation-failed',
        [
          expect.objectContaining({ field: 'nilReturn.reason' }),
          {
            field: 'periodStart',
            message: 'You cannot report for a period that has not started',
          },
        ],
      ],
    ]
    for (const [body, status, type, errors] of refusals) {
      const response = await send(body)
      const where = JSON.stringify(body).slice(0, 120)
      expect(response.statusCode, where).toBe(status)
      expect(response.headers['content-type'], where).toContain('application/problem+json')
      const problem = response.json() as Problem
      expect(problem.type, where).toBe(`/api/docs#${type}`)
      expect(
        problem.errors?.map(({ field, message }) => ({ field, message })),
        where,
      ).toEqual(errors)
    }
    expect(await everything()).toEqual(before)
  })

  it('replaces a return with a nil return only with a reason, as the web does', async () => {
    t.clock.set(new Date('2020-04-15T10:00:00Z'))
    const before = await everything()
    // homeA has today's nil return (temporarily closed): another reason is a change, not a retry.
    const changed = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleNilSubmission, locationId: cqc.homeA, nilReturn: { reason: 'no-people-supported' } },
    })
    expect(changed.statusCode).toBe(409)
    expect((changed.json() as Problem).type).toBe('/api/docs#return-exists')
    // homeA2 sent figures today.
    const overFigures = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleNilSubmission, locationId: cqc.homeA2 },
    })
    expect(overFigures.statusCode).toBe(409)
    expect(await everything()).toEqual(before)

    const amended = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleNilSubmission, locationId: cqc.homeA2, amendmentReason: 'Closed after all' },
    })
    expect(amended.statusCode).toBe(201)
    expect(amended.json()).toMatchObject({ version: 2 })
    const read = await api('GET', `/api/v1/returns/${amended.json().id}`, { token: tokens.a })
    expect(read.json()).toMatchObject({
      nilReturn: exampleNilSubmission.nilReturn,
      values: {},
      amendmentReason: 'Closed after all',
    })
  })
})
