import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { tokenHash } from '../access/index.ts'
import { apiHelpers, type Problem, seedApiFixtures } from './api.test-support.ts'
import { exampleSubmission } from './index.ts'

// The documented example: a full, valid return for a care home without nursing, as JSON.
const values = exampleSubmission.values

// Returns in and out of the API (its tokens: api-tokens.db.test.ts; the risk queue behind it:
// api-risk-queue.db.test.ts).
describe.each(engines)('the returns API on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const tokens: Record<string, string> = {}
  const { createToken, api, returnsAt } = apiHelpers(() => t, emails)

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await seedApiFixtures(t.database.db, ids, emails, cqc)
    // Each provider's care-record system has a token, made on the web page.
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    tokens.a = await createToken('managerA', 'Care records system')
    tokens.b = await createToken('managerB', 'Beta system')
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('takes a full return by CQC location ID: 201, a Location, and a return from the API', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const response = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: cqc.homeA },
    })
    expect(response.statusCode).toBe(201)
    const body = response.json()
    expect(body).toEqual({
      id: expect.any(String),
      locationId: ids.homeA,
      periodStart: '2020-04-14',
      version: 1,
    })
    expect(response.headers.location).toBe(`/api/v1/returns/${body.id}`)
    const saved = await returnsAt(ids.homeA!)
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ id: body.id, source: 'api', submittedBy: ids.managerA, version: 1 })
    expect(saved[0]!.values).toMatchObject({
      ppeDaysFfp3Masks: 0,
      ppeCanObtainMore: true,
      residentsTested: null,
      helpRequested: 'ppe',
    })

    const one = await api('GET', response.headers.location!, { token: tokens.a })
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({
      id: body.id,
      locationId: ids.homeA,
      cqcLocationId: cqc.homeA,
      source: 'api',
      values: { bedsOccupied: 38, helpRequested: ['ppe'], closedToAdmissions: false },
    })

    const token = await t.database.db
      .selectFrom('apiTokens')
      .select('lastUsedAt')
      .where('tokenHash', '=', tokenHash(tokens.a!))
      .executeTakeFirstOrThrow()
    expect(new Date(token.lastUsedAt!).toISOString()).toBe('2020-04-14T08:00:00.000Z')
  })

  it('refuses a second return for the period with 409 unless it gives a reason, then keeps both versions', async () => {
    t.clock.set(new Date('2020-04-14T09:00:00Z'))
    const again = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: ids.homeA, values: { ...values, bedsOccupied: 39 } },
    })
    expect(again.statusCode).toBe(409)
    expect(again.headers['content-type']).toContain('application/problem+json')
    expect((again.json() as Problem).errors?.map((e) => e.field)).toEqual(['amendmentReason'])
    expect(await returnsAt(ids.homeA!)).toHaveLength(1)

    const amended = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: {
        ...exampleSubmission,
        locationId: ids.homeA,
        values: { ...values, bedsOccupied: 39 },
        amendmentReason: 'One more admission',
      },
    })
    expect(amended.statusCode).toBe(201)
    expect(amended.json()).toMatchObject({ version: 2, periodStart: '2020-04-14' })
    expect((await returnsAt(ids.homeA!)).map((r) => r.version)).toEqual([1, 2])
  })

  it('creates one return for one Idempotency-Key, and refuses the key with a different body', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const request = {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: ids.homeA2 },
      headers: { 'idempotency-key': 'key-0001' },
    }
    const first = await api('POST', '/api/v1/returns', request)
    const second = await api('POST', '/api/v1/returns', request)
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(201)
    expect(second.json().id).toBe(first.json().id)
    expect(second.headers.location).toBe(first.headers.location)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(await returnsAt(ids.homeA2!)).toHaveLength(1)

    // The same JSON with its keys in another order is the same request.
    const reordered = await api('POST', '/api/v1/returns', {
      ...request,
      body: { values: request.body.values, periodStart: '2020-04-14', locationId: ids.homeA2 },
    })
    expect(reordered.statusCode).toBe(201)
    expect(reordered.json().id).toBe(first.json().id)

    const different = await api('POST', '/api/v1/returns', {
      ...request,
      body: { ...request.body, values: { ...values, bedsOccupied: 30 } },
    })
    expect(different.statusCode).toBe(422)
    expect(different.headers['content-type']).toContain('application/problem+json')
    expect((different.json() as Problem).title).toBe('Idempotency-Key reused with a different request')
    expect(await returnsAt(ids.homeA2!)).toHaveLength(1)

    // Another token's key space is its own: the same key from provider B is a new request.
    const otherToken = await api('POST', '/api/v1/returns', { ...request, token: tokens.b })
    expect(otherToken.statusCode).toBe(404)
  })

  it('makes one return when the same request with one key arrives twice at once', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const request = {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: ids.homeA3 },
      headers: { 'idempotency-key': 'concurrent-1' },
    }
    const answers = await Promise.all([
      api('POST', '/api/v1/returns', request),
      api('POST', '/api/v1/returns', request),
      api('POST', '/api/v1/returns', request),
    ])
    const saved = await returnsAt(ids.homeA3!)
    expect(saved).toHaveLength(1)
    for (const answer of answers) {
      if (answer.statusCode === 201) expect(answer.json().id).toBe(saved[0]!.id)
      else {
        expect(answer.statusCode).toBe(409)
        expect((answer.json() as Problem).title).toBe('A request with this Idempotency-Key is in progress')
      }
    }
    expect(answers.filter((a) => a.statusCode === 201).length).toBeGreaterThanOrEqual(1)
    const retry = await api('POST', '/api/v1/returns', request)
    expect(retry.statusCode).toBe(201)
    expect(retry.json().id).toBe(saved[0]!.id)
  })

  it('names the field for negative stock, a non-number, a missing answer and occupied beds over beds, and saves nothing', async () => {
    t.clock.set(new Date('2020-04-15T08:00:00Z'))
    const before = await t.database.db.selectFrom('situationReturns').select('id').execute()
    const { ppeDaysAprons: _missing, ...withoutAprons } = values
    const bad = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: {
        locationId: ids.homeA,
        periodStart: '2020-04-15',
        values: { ...withoutAprons, ppeDaysGloves: -2, staffEmployed: 'fifty' },
      },
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    const problem = bad.json() as Problem
    expect(problem).toMatchObject({
      status: 422,
      title: 'The return is not valid',
      type: '/api/docs#validation-failed',
    })
    expect(problem.errors).toEqual([
      {
        field: 'ppeDaysGloves',
        pointer: '/values/ppeDaysGloves',
        message: 'Days of gloves in stock must be 0 or more',
      },
      {
        field: 'ppeDaysAprons',
        pointer: '/values/ppeDaysAprons',
        message: 'Enter the number of days of aprons you have in stock',
      },
      {
        field: 'staffEmployed',
        pointer: '/values/staffEmployed',
        message: 'Staff employed must be a whole number',
      },
    ])

    const beds = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: ids.homeA, values: { ...values, bedsOccupied: 45 } },
    })
    expect(beds.statusCode).toBe(422)
    expect((beds.json() as Problem).errors).toEqual([
      expect.objectContaining({
        field: 'bedsOccupied',
        message: 'Beds occupied cannot be more than the beds you can use',
      }),
    ])

    const homeCareField = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: ids.homeA, values: { ...values, hoursDelivered: 12 } },
    })
    expect(homeCareField.statusCode).toBe(422)
    expect((homeCareField.json() as Problem).errors?.map((e) => e.field)).toEqual(['hoursDelivered'])

    const notAPeriodStart = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: ids.homeA, periodStart: '2020-02-30', values },
    })
    expect(notAPeriodStart.statusCode).toBe(422)
    expect((notAPeriodStart.json() as Problem).errors?.map((e) => e.field)).toEqual(['periodStart'])

    const future = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: ids.homeA, periodStart: '2020-04-20', values },
    })
    expect(future.statusCode).toBe(422)
    expect((future.json() as Problem).errors).toEqual([
      expect.objectContaining({
        field: 'periodStart',
        message: 'You cannot report for a period that has not started',
      }),
    ])
    expect(await t.database.db.selectFrom('situationReturns').select('id').execute()).toEqual(before)
  })

  it('names periodStart when a weekly location is given a day inside a week, and saves nothing', async () => {
    tokens.weekly ??= await createToken('managerA', 'Weekly check')
    const midWeek = await api('POST', '/api/v1/returns', {
      token: tokens.weekly,
      body: { locationId: ids.agencyA, periodStart: '2020-04-08', values: {} },
    })
    expect(midWeek.statusCode).toBe(422)
    expect((midWeek.json() as Problem).errors).toContainEqual(
      expect.objectContaining({
        field: 'periodStart',
        message: 'This location reports weekly: the period must be given by its first day, like 2020-04-06',
      }),
    )
    expect(await returnsAt(ids.agencyA!)).toEqual([])
  })

  it('answers 400 for a malformed body and 415 for a body that is not JSON', async () => {
    const before = await t.database.db.selectFrom('situationReturns').select('id').execute()
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: { authorization: `Bearer ${tokens.a}`, 'content-type': 'application/json' },
      payload: '{"locationId": ',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.headers['content-type']).toContain('application/problem+json')
    expect((broken.json() as Problem).type).toBe('/api/docs#malformed-request')

    const shapeless = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { location: ids.homeA, values: [1, 2] },
    })
    expect(shapeless.statusCode).toBe(400)
    expect((shapeless.json() as Problem).errors?.map((e) => e.field)).toEqual([
      'location',
      'locationId',
      'values',
    ])

    const array = await api('POST', '/api/v1/returns', { token: tokens.a, body: [] })
    expect(array.statusCode).toBe(400)

    const form = await t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: { authorization: `Bearer ${tokens.a}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `locationId=${ids.homeA}`,
    })
    expect(form.statusCode).toBe(415)
    expect(form.headers['content-type']).toContain('application/problem+json')
    expect(await t.database.db.selectFrom('situationReturns').select('id').execute()).toEqual(before)
  })

  it('answers 404 for an unknown location and for another provider’s, by id or CQC ID, and saves nothing', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    for (const locationId of [
      ids.homeB!,
      cqc.homeB!,
      '1-999999999',
      '00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await api('POST', '/api/v1/returns', {
        token: tokens.a,
        body: { ...exampleSubmission, locationId },
        headers: { 'idempotency-key': `unknown-${locationId}` },
      })
      expect(response.statusCode, locationId).toBe(404)
      expect(response.headers['content-type']).toContain('application/problem+json')
      const problem = response.json() as Problem
      expect(problem.errors?.map((e) => e.field)).toEqual(['locationId'])
      expect(response.body).not.toContain('Elm Lodge')
      expect(response.body).not.toContain('Beta Care')
    }
    expect(await returnsAt(ids.homeB!)).toEqual([])
  })

  it('lists and reads only the token’s provider’s returns', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const fromB = await api('POST', '/api/v1/returns', {
      token: tokens.b,
      body: { ...exampleSubmission, locationId: cqc.homeB },
    })
    expect(fromB.statusCode).toBe(201)
    const idB = fromB.json().id as string

    const listA = await api('GET', '/api/v1/returns', { token: tokens.a })
    expect(listA.statusCode).toBe(200)
    const pageA = listA.json() as {
      items: { id: string; locationId: string; version: number }[]
      total: number
      page: number
    }
    expect(pageA.page).toBe(1)
    expect(pageA.total).toBe(3)
    expect(pageA.items.map((r) => r.locationId).sort()).toEqual([ids.homeA, ids.homeA2, ids.homeA3].sort())
    expect(pageA.items.find((r) => r.locationId === ids.homeA)!.version).toBe(2)
    expect(listA.body).not.toContain(idB)
    expect(listA.body).not.toContain('Elm Lodge')

    const oneLocation = await api(
      'GET',
      `/api/v1/returns?locationId=${cqc.homeA2}&from=2020-04-14&to=2020-04-14`,
      {
        token: tokens.a,
      },
    )
    expect(
      (oneLocation.json() as { items: { locationId: string }[] }).items.map((r) => r.locationId),
    ).toEqual([ids.homeA2])
    const none = await api('GET', '/api/v1/returns?from=2020-04-15', { token: tokens.a })
    expect(none.json()).toMatchObject({ items: [], total: 0 })
    expect(
      (await api('GET', `/api/v1/returns?locationId=${ids.homeB}`, { token: tokens.a })).statusCode,
    ).toBe(404)
    const badDate = await api('GET', '/api/v1/returns?from=14/04/2020&page=0', { token: tokens.a })
    expect(badDate.statusCode).toBe(400)
    expect((badDate.json() as Problem).errors?.map((e) => e.field)).toEqual(['page', 'from'])

    const foreign = await api('GET', `/api/v1/returns/${idB}`, { token: tokens.a })
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).not.toContain('Elm Lodge')
    expect((await api('GET', `/api/v1/returns/${idB}`, { token: tokens.b })).statusCode).toBe(200)
    expect((await api('GET', '/api/v1/returns/not-a-uuid', { token: tokens.a })).statusCode).toBe(404)

    const listB = await api('GET', '/api/v1/returns', { token: tokens.b })
    expect((listB.json() as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([idB])
  })
})
