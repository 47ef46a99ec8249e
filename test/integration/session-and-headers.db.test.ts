import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { createOrganisation, createUser, testPassword } from '../support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// Headers and sessions against OWASP ASVS 4.0.3 level 2 (V3, V14; docs/security.md names each).
describe.each(engines)('session and header hardening on %s', (engine) => {
  let t: TestApp
  let email = ''
  let otherEmail = ''

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const council = await createOrganisation(t.database.db, 'council', 'Council H', { onsCode: 'E10000071' })
    email = (await createUser(t.database.db, council, 'council_officer')).email
    otherEmail = (await createUser(t.database.db, council, 'viewer')).email
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  const sessionOf = (response: Awaited<ReturnType<TestClient['get']>>) =>
    (response.cookies as { name: string; value: string }[]).find((c) => c.name === 'carehub_session')?.value

  it('sends HSTS, a CSP that frames nothing and runs nothing inline, nosniff and a same-origin referrer', async () => {
    const response = await t.app.inject({ url: '/sign-in' })
    const maxAge = /max-age=(\d+)/.exec(String(response.headers['strict-transport-security']))
    expect(Number(maxAge?.[1])).toBeGreaterThanOrEqual(31_536_000)
    const csp = String(response.headers['content-security-policy'])
    for (const directive of [
      "default-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ])
      expect(csp).toContain(directive)
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
  })

  it('names no server software and allows no other origin to read its answers', async () => {
    const response = await t.app.inject({ url: '/sign-in', headers: { origin: 'https://evil.example' } })
    expect(response.headers['x-powered-by']).toBeUndefined()
    expect(response.headers.server).toBeUndefined()
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
    const api = await t.app.inject({ url: '/api/v1/returns', headers: { origin: 'https://evil.example' } })
    expect(api.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives a new session id at every sign-in and ends the one the browser came with', async () => {
    const client = new TestClient(t.app)
    const first = sessionOf(await client.signIn(email))
    // The same browser signs in again (as someone else: a shared computer).
    const second = sessionOf(await client.signIn(otherEmail))
    expect(first).toBeTruthy()
    expect(second).toBeTruthy()
    expect(second).not.toBe(first)
    const old = await t.app.inject({ url: '/', headers: { cookie: `carehub_session=${first}` } })
    expect(old.statusCode).toBe(302)
    expect(old.headers.location).toMatch(/^\/sign-in/)
    const current = await t.app.inject({ url: '/', headers: { cookie: `carehub_session=${second}` } })
    expect(current.statusCode).toBe(200)
  })

  it('ignores a session id the browser makes up, and sets none before sign-in', async () => {
    const made = await t.app.inject({
      url: '/',
      headers: { cookie: 'carehub_session=attacker-chosen-value' },
    })
    expect(made.statusCode).toBe(302)
    const page = await t.app.inject({ url: '/sign-in' })
    expect(sessionOf(page)).toBeUndefined()
  })

  it('marks the session cookie Secure, HttpOnly, SameSite=Lax and for the whole site over HTTPS', async () => {
    const proxied = await buildTestApp(engine, { TRUST_PROXY: 'true', COOKIE_SECURE: 'auto' })
    try {
      const council = await createOrganisation(proxied.database.db, 'council', 'Council P', {
        onsCode: 'E10000072',
      })
      const user = await createUser(proxied.database.db, council, 'council_officer')
      const https = { 'x-forwarded-proto': 'https' }
      const page = await proxied.app.inject({ url: '/sign-in', headers: https })
      const csrf = page.cookies.find((c) => c.name === 'carehub_csrf')!
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      const response = await proxied.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: {
          ...https,
          cookie: `carehub_csrf=${csrf.value}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: token, email: user.email, password: testPassword }).toString(),
      })
      expect(response.statusCode).toBe(302)
      const cookie = response.cookies.find((c) => c.name === 'carehub_session')!
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' })
      // No lifetime: the browser forgets it when closed; the server ends it after 30 idle minutes.
      expect(cookie.maxAge).toBeUndefined()
      expect(cookie.expires).toBeUndefined()
    } finally {
      await proxied.close()
    }
  })

  it('tells browsers to keep no copy of a signed-in page, and keeps it for none after sign-out', async () => {
    const client = new TestClient(t.app)
    await client.signIn(email)
    const page = await client.get('/')
    expect(page.headers['cache-control']).toBe('no-store')
    await client.post('/sign-out', {})
    expect((await client.get('/')).statusCode).toBe(302)
  })

  it('answers a failure with a plain page or problem JSON: no message, stack or SQL of the error', async () => {
    const app = await createApp(t.services)
    const failure = () => {
      throw new Error('select "passwordHash" from "users" where secret-detail')
    }
    app.get('/boom', failure)
    app.get('/api/v1/boom', failure)
    await app.ready()
    try {
      for (const url of ['/boom', '/api/v1/boom']) {
        const response = await app.inject({ url })
        expect(response.statusCode).toBe(500)
        for (const leak of ['secret-detail', 'passwordHash', 'select "', '    at ', '.ts:'])
          expect(response.body, `${url} shows ${leak}`).not.toContain(leak)
      }
      expect((await app.inject({ url: '/api/v1/boom' })).json()).toEqual({
        title: 'Internal error',
        status: 500,
      })
    } finally {
      await app.close()
    }
  })

  it('serves no file outside its static folders, and refuses methods it does not serve', async () => {
    for (const url of [
      '/public/../app.ts',
      '/public/%2e%2e/app.ts',
      '/public/..%2f..%2fpackage.json',
      '/assets/../../package.json',
    ]) {
      const response = await t.app.inject({ url })
      expect([403, 404], url).toContain(response.statusCode)
      expect(response.body).not.toContain('createApp')
      expect(response.body).not.toContain('"dependencies"')
    }
    // Refused whatever the route: 404, or 403 first for want of a CSRF token.
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const)
      expect([403, 404], method).toContain((await t.app.inject({ method, url: '/locations' })).statusCode)
  })

  it('names the character set of every page it renders', async () => {
    const page = await t.app.inject({ url: '/sign-in' })
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
  })
})
