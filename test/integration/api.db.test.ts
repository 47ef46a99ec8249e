import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenHash } from '../../src/modules/access/credentials.ts'
import { exampleSubmission } from '../../src/modules/api/openapi.ts'
import { recomputeQueuedRisk } from '../../src/modules/early-warning/risk-queue.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// The documented example: a full, valid return for a care home without nursing, as JSON.
const values = exampleSubmission.values

type Problem = {
  type: string
  title: string
  status: number
  detail: string
  errors?: { field: string; pointer: string; message: string }[]
}

describe.each(engines)('the returns API on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const tokens: Record<string, string> = {}

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  // Makes a token the way a provider manager does, on the web page, and returns it.
  const createToken = async (who: string, name: string) => {
    const client = await signedIn(who)
    await client.get('/api-tokens')
    const created = await client.post('/api-tokens', { name })
    expect(created.statusCode).toBe(200)
    return load(created.body)('#api-token').text().trim()
  }

  const api = (
    method: 'GET' | 'POST',
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    })

  const returnsAt = (locationId: string) =>
    t.database.db
      .selectFrom('situationReturns')
      .select(['id', 'periodStart', 'version', 'source', 'values', 'submittedBy'])
      .where('locationId', '=', locationId)
      .orderBy('periodStart')
      .orderBy('version')
      .execute()

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'API Council', { onsCode: 'E10000071' })
    ids.providerA = await createProvider(db, 'Alpha Care Ltd')
    ids.providerB = await createProvider(db, 'Beta Care Ltd')
    ids.providerOrgA = await createOrganisation(db, 'provider', 'Alpha Care Ltd', {
      providerId: ids.providerA,
    })
    ids.providerOrgB = await createOrganisation(db, 'provider', 'Beta Care Ltd', {
      providerId: ids.providerB,
    })
    for (const [key, provider, name] of [
      ['homeA', ids.providerA, 'Rowan House'],
      ['homeA2', ids.providerA, 'Hazel Court'],
      ['homeA3', ids.providerA, 'Willow Lodge'],
      ['homeB', ids.providerB, 'Elm Lodge'],
    ] as const) {
      ids[key] = await createLocation(db, provider!, ids.council, { name, beds: 40 })
      cqc[key] = (
        await db
          .selectFrom('locations')
          .select('cqcLocationId')
          .where('id', '=', ids[key]!)
          .executeTakeFirstOrThrow()
      ).cqcLocationId!
    }
    // A home care agency: it reports weekly.
    ids.agencyA = await createLocation(db, ids.providerA!, ids.council, {
      name: 'Birch Home Care',
      serviceType: 'home_care',
    })
    for (const [key, org, role] of [
      ['managerA', ids.providerOrgA, 'provider_manager'],
      ['managerB', ids.providerOrgB, 'provider_manager'],
      ['officer', ids.council, 'council_officer'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('makes a token on the web page, shows it once and keeps only its hash', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const manager = await signedIn('managerA')
    const home = load((await manager.get('/')).body)
    expect(home('.govuk-service-navigation__item a:contains("API tokens")').attr('href')).toBe('/api-tokens')

    await manager.get('/api-tokens')
    const blank = await manager.post('/api-tokens', { name: '  ' })
    expect(blank.statusCode).toBe(400)
    expect(load(blank.body)('.govuk-error-summary a').attr('href')).toBe('#name')
    expect(load(blank.body)('.govuk-error-summary').text()).toContain('Enter a name for the token')
    expect(await t.database.db.selectFrom('apiTokens').select('id').execute()).toEqual([])

    const created = await manager.post('/api-tokens', { name: 'Care records system' })
    expect(created.statusCode).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    const $ = load(created.body)
    expect($('.govuk-panel__title').text().trim()).toBe('API token created')
    expect($('.govuk-warning-text').text()).toContain('Copy it now')
    const token = $('#api-token').text().trim()
    expect(token.length).toBeGreaterThan(40)
    tokens.a = token

    const rows = await t.database.db.selectFrom('apiTokens').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.tokenHash).toBe(tokenHash(token))
    expect(rows[0]!.tokenHint).toBe(token.slice(-4))
    expect(rows[0]!.providerId).toBe(ids.providerA)
    expect(rows[0]!.createdBy).toBe(ids.managerA)
    expect(JSON.stringify(rows)).not.toContain(token)
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'entityId', 'after'])
      .where('action', '=', 'api-token-created')
      .execute()
    expect(audit).toEqual([expect.objectContaining({ actorUserId: ids.managerA, entityId: rows[0]!.id })])
    expect(JSON.stringify(audit)).not.toContain(token)

    const list = await manager.get('/api-tokens')
    expect(list.body).not.toContain(token)
    const listed = load(list.body)('tbody tr').text()
    expect(listed).toContain('Care records system')
    expect(listed).toContain(token.slice(-4))
    expect(listed).toContain('Never')
    expect(listed).toContain('Active')

    tokens.b = await createToken('managerB', 'Beta system')
    expect(tokens.b).not.toBe(tokens.a)
  })

  it('keeps the token pages to provider managers', async () => {
    const officer = await signedIn('officer')
    const home = load((await officer.get('/')).body)
    expect(home('.govuk-service-navigation__item a:contains("API tokens")').length).toBe(0)
    expect((await officer.get('/api-tokens')).statusCode).toBe(403)
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
      { field: 'ppeDaysAprons', pointer: '/values/ppeDaysAprons', message: 'Enter days of aprons in stock' },
      {
        field: 'staffEmployed',
        pointer: '/values/staffEmployed',
        message: 'Staff employed must be a whole number, like 12',
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

  it('answers a return when it is saved and leaves its risk rules to the risk queue, whose next batch raises the alert', async () => {
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    const db = t.database.db
    const home = await createLocation(db, ids.providerA!, ids.council!, { name: 'Larch House', beds: 40 })
    // The earlier tests' returns queued their locations too: their batch first.
    await recomputeQueuedRisk(db, t.clock)
    const openAlerts = () =>
      db
        .selectFrom('alerts')
        .select(['alertKey', 'severity', 'raisedByReturnId'])
        .where('locationId', '=', home)
        .where('status', '=', 'open')
        .execute()
    const response = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: home, periodStart: '2020-04-16', values: { ...values, ppeDaysGloves: 1 } },
      headers: { 'idempotency-key': 'larch-house-2020-04-16' },
    })
    expect(response.statusCode).toBe(201)
    const returnId = response.json().id
    // Saved with its audit record and its location queued; no alert yet.
    expect(await returnsAt(home)).toHaveLength(1)
    expect(
      await db.selectFrom('auditEvents').select('action').where('entityId', '=', returnId).execute(),
    ).toEqual([{ action: 'return-submitted' }])
    expect(await db.selectFrom('riskQueue').select('locationId').execute()).toEqual([{ locationId: home }])
    expect(await openAlerts()).toEqual([])

    const result = await recomputeQueuedRisk(db, t.clock)
    const raised = await openAlerts()
    expect(result).toMatchObject({ locations: 1, raised: raised.length })
    expect(raised).toContainEqual({ alertKey: 'ppe-red', severity: 'red', raisedByReturnId: returnId })
    expect(raised.every((a) => a.raisedByReturnId === returnId)).toBe(true)
    expect(
      await db.selectFrom('locationRisk').select('rag').where('locationId', '=', home).executeTakeFirst(),
    ).toEqual({ rag: 'red' })
    expect(await db.selectFrom('riskQueue').select('id').execute()).toEqual([])
    // Nothing left to do: the next batch changes nothing.
    expect(await recomputeQueuedRisk(db, t.clock)).toMatchObject({ locations: 0, raised: 0 })
  })

  it('checks a recently used token again with the claim: revoked elsewhere, it gets 401 at once and nothing is saved', async () => {
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    const db = t.database.db
    const token = await createToken('managerA', 'Second system')
    const home = await createLocation(db, ids.providerA!, ids.council!, { name: 'Aspen Lodge', beds: 30 })
    const send = (key: string, body: unknown) =>
      api('POST', '/api/v1/returns', { token, body, headers: { 'idempotency-key': key } })
    const first = await send('aspen-1', { locationId: home, periodStart: '2020-04-16', values })
    expect(first.statusCode).toBe(201)
    // Revoked by another instance of the app (straight in the database): this one still remembers the token.
    await db
      .updateTable('apiTokens')
      .set({ revokedAt: new Date() })
      .where('tokenHash', '=', tokenHash(token))
      .execute()
    const before = await db.selectFrom('situationReturns').select('id').execute()
    const next = await send('aspen-2', { locationId: home, periodStart: '2020-04-15', values })
    expect(next.statusCode).toBe(401)
    expect(next.headers['www-authenticate']).toContain('invalid_token')
    // Refusals that come before the claim are not answered for a revoked token either.
    expect((await send('aspen-3', { locationId: ids.homeB, values })).statusCode).toBe(401)
    const badJson = await api('POST', '/api/v1/returns', {
      token,
      headers: { 'idempotency-key': 'aspen-4', 'content-type': 'application/json' },
    })
    expect(badJson.statusCode).toBe(401)
    expect(await db.selectFrom('situationReturns').select('id').execute()).toEqual(before)
    expect(
      await db.selectFrom('idempotencyKeys').select('key').where('key', 'like', 'aspen-%').execute(),
    ).toEqual([{ key: 'aspen-1' }])
  })

  it('answers 401 without a token, with an unknown one, with a session cookie only, and once the token is revoked', async () => {
    const anonymous = await api('GET', '/api/v1/returns')
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/)
    expect(anonymous.headers['content-type']).toContain('application/problem+json')
    expect((anonymous.json() as Problem).status).toBe(401)
    const unknown = await api('POST', '/api/v1/returns', {
      token: 'chub_not-a-real-token',
      body: exampleSubmission,
    })
    expect(unknown.statusCode).toBe(401)
    expect(unknown.headers['www-authenticate']).toContain('invalid_token')

    const manager = await signedIn('managerA')
    const withCookie = await manager.get('/api/v1/returns')
    expect(withCookie.statusCode).toBe(401)

    const tokenId = (
      await t.database.db
        .selectFrom('apiTokens')
        .select('id')
        .where('tokenHash', '=', tokenHash(tokens.a!))
        .executeTakeFirstOrThrow()
    ).id
    // Another provider's manager cannot revoke it.
    const other = await signedIn('managerB')
    await other.get('/api-tokens')
    expect((await other.post(`/api-tokens/${tokenId}/revoke`, {})).statusCode).toBe(404)
    expect((await api('GET', '/api/v1/returns', { token: tokens.a })).statusCode).toBe(200)

    await manager.get('/api-tokens')
    const revoked = await manager.post(`/api-tokens/${tokenId}/revoke`, {})
    expect(revoked.statusCode).toBe(302)
    const page = load((await manager.get(revoked.headers.location!)).body)
    expect(page('.govuk-notification-banner').text()).toContain('Care records system')
    expect(page('tbody tr').text()).toContain('Revoked')

    const before = await t.database.db.selectFrom('situationReturns').select('id').execute()
    const after = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { ...exampleSubmission, locationId: ids.homeA, periodStart: '2020-04-13' },
    })
    expect(after.statusCode).toBe(401)
    expect(after.headers['www-authenticate']).toMatch(/^Bearer/)
    expect((await api('GET', '/api/v1/returns', { token: tokens.a })).statusCode).toBe(401)
    expect(await t.database.db.selectFrom('situationReturns').select('id').execute()).toEqual(before)
    expect(
      await t.database.db
        .selectFrom('auditEvents')
        .select('entityId')
        .where('action', '=', 'api-token-revoked')
        .execute(),
    ).toEqual([{ entityId: tokenId }])
  })

  it('publishes an OpenAPI 3.1 document and a documentation page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const doc = JSON.parse(response.body)
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/returns', '/api/v1/returns/{id}']),
    )
    expect(doc.paths['/api/v1/returns'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ReturnSubmission',
    )
    expect(doc.components.schemas.ReturnValues.properties.ppeDaysGloves.type).toEqual(['integer', 'null'])
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status'])
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })

    const page = await t.app.inject({ method: 'GET', url: '/api/docs' })
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    expect($('h1').text()).toBe('Situation returns API')
    expect($('a[href="/api/docs/openapi.json"]').length).toBeGreaterThan(0)
    expect($('#validation-failed').length).toBe(1)
    expect($('script:not([src])').length).toBe(0)
  })
})
