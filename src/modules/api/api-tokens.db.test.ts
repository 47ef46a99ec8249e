import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { tokenHash } from '../access/index.ts'
import { apiHelpers, type Problem, seedApiFixtures } from './api.test-support.ts'
import { exampleSubmission } from './index.ts'

const values = exampleSubmission.values

// The API's tokens: made and revoked on the web page by a provider's managers, refused once revoked.
describe.each(engines)('API tokens on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const tokens: Record<string, string> = {}
  const { signedIn, createToken, api } = apiHelpers(() => t, emails)

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await seedApiFixtures(t.database.db, ids, emails, cqc)
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

  it('keeps the token pages to provider managers and the officers who may read the market by API', async () => {
    const viewer = await createUser(t.database.db, ids.council!, 'viewer')
    const client = new TestClient(t.app)
    await client.signIn(viewer.email)
    const home = load((await client.get('/')).body)
    expect(home('.govuk-service-navigation__item a:contains("API tokens")').length).toBe(0)
    expect((await client.get('/api-tokens')).statusCode).toBe(403)
    expect((await client.post('/api-tokens', { name: 'Viewer tool' })).statusCode).toBe(403)

    // A council officer's page is of the council's tokens: a provider's are not on it.
    const officer = await signedIn('officer')
    const officerHome = load((await officer.get('/')).body)
    expect(officerHome('.govuk-service-navigation__item a:contains("API tokens")').attr('href')).toBe(
      '/api-tokens',
    )
    const page = load((await officer.get('/api-tokens')).body)
    expect(page('main').text()).toContain('business-intelligence')
    expect(page('tbody').text()).not.toContain('Care records system')
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
})
