import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser, testPassword } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

describe.each(engines)('sign-in, lockout and sessions on %s', (engine) => {
  let t: TestApp
  let councilId: string

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council S', { onsCode: 'E10000011' })
  })
  afterAll(async () => {
    await t?.close()
  })

  const auditCount = async (userId: string, action: string) =>
    Number(
      (
        await t.database.db
          .selectFrom('auditEvents')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('entityId', '=', userId)
          .where('action', '=', action)
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('signs in with the right password, sets an HttpOnly SameSite=Lax cookie, and audits it', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    const response = await client.signIn(user.email.toUpperCase())
    const cookie = response.cookies.find((c) => c.name === 'carehub_session')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect((await client.get('/')).statusCode).toBe(200)
    expect(await auditCount(user.id, 'signed-in')).toBe(1)
  })

  it('shows a GOV.UK error summary for a wrong password and for missing fields', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.get('/sign-in')
    const wrong = await client.post('/sign-in', { email: user.email, password: 'not the password' })
    expect(wrong.statusCode).toBe(400)
    const $ = load(wrong.body)
    expect($('.govuk-error-summary a[href="#email"]').text()).toBe(
      'Enter a correct e-mail address and password',
    )
    expect($('title').text()).toMatch(/^Error: /)
    const empty = await client.post('/sign-in', { email: '', password: '' })
    const $$ = load(empty.body)
    expect($$('.govuk-error-summary li').length).toBe(2)
  })

  it('locks an account for 15 minutes after ten wrong passwords, and audits attempts and the lockout', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.get('/sign-in')
    for (let i = 0; i < 10; i++) await client.post('/sign-in', { email: user.email, password: `wrong ${i}` })
    const locked = await client.post('/sign-in', { email: user.email, password: testPassword })
    expect(locked.statusCode).toBe(400)
    expect(locked.body).toContain('This account is locked')
    expect(await auditCount(user.id, 'sign-in-failed')).toBe(10)
    expect(await auditCount(user.id, 'account-locked')).toBe(1)
    expect(await auditCount(user.id, 'sign-in-while-locked')).toBe(1)

    t.clock.advanceMinutes(14)
    expect((await client.post('/sign-in', { email: user.email, password: testPassword })).statusCode).toBe(
      400,
    )
    t.clock.advanceMinutes(2)
    expect((await client.post('/sign-in', { email: user.email, password: testPassword })).statusCode).toBe(
      302,
    )
    const row = await t.database.db
      .selectFrom('users')
      .select(['failedSignInCount', 'lockedUntil'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ failedSignInCount: 0, lockedUntil: null })
  })

  it('ends a session after 30 idle minutes and after 12 hours in all', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(user.email)
    t.clock.advanceMinutes(29)
    expect((await client.get('/')).statusCode).toBe(200)
    t.clock.advanceMinutes(31)
    const idle = await client.get('/locations')
    expect(idle.statusCode).toBe(302)
    expect(idle.headers.location).toBe('/sign-in?returnTo=%2Flocations')

    await client.signIn(user.email)
    for (let i = 0; i < 25; i++) {
      t.clock.advanceMinutes(29)
      await client.get('/')
    }
    expect((await client.get('/')).statusCode).toBe(302)
  })

  it('signs out, ending the session on the server', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(user.email)
    const out = await client.post('/sign-out', {})
    expect(out.statusCode).toBe(302)
    const sessions = await t.database.db
      .selectFrom('sessions')
      .select('tokenHash')
      .where('userId', '=', user.id)
      .execute()
    expect(sessions).toEqual([])
    expect((await client.get('/')).statusCode).toBe(302)
  })

  it('does not follow a return address to another site', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.get('/sign-in')
    const response = await client.post('/sign-in', {
      email: user.email,
      password: testPassword,
      returnTo: '//evil.example/',
    })
    expect(response.headers.location).toBe('/')
  })

  it('sends security headers with a CSP that allows no inline script', async () => {
    const response = await t.app.inject({ url: '/sign-in' })
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(load(response.body)('script:not([src])').length).toBe(0)
  })

  it('answers health and readiness checks', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({
      status: 'ok',
      checks: { database: 'ok' },
      figures: {
        comms: { outboxBacklog: expect.any(Number), outboxOldestWaitingSeconds: expect.any(Number) },
        'early-warning': { riskQueueLength: 0, riskQueueLagSeconds: 0 },
        'emergency-staffing': { staffingRequestsOpen: 0 },
        'ppe-supply': { ppeRequestsWaiting: 0 },
      },
    })
  })
})
