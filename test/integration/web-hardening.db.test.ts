import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// The smaller holes a penetration test found in the web side: where sign-in sends people back to,
// what browsers may keep, the CSRF cookie behind HTTPS, text smuggled into an error summary, and what
// the invitation form gives away about other councils' users.
describe.each(engines)('web hardening on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.northmoor = await createOrganisation(db, 'council', 'Northmoor Council', { onsCode: 'E10000091' })
    ids.southvale = await createOrganisation(db, 'council', 'Southvale Council', { onsCode: 'E10000092' })
    ids.provider = await createProvider(db, 'Moor Care Ltd')
    ids.home = await createLocation(db, ids.provider, ids.northmoor, { name: 'Heather House' })
    for (const [key, org, role] of [
      ['adminN', ids.northmoor, 'admin'],
      ['officerN', ids.northmoor, 'council_officer'],
      ['officerS', ids.southvale, 'council_officer'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('follows a sign-in return path only to a page of this service', async () => {
    const user = await createUser(t.database.db, ids.northmoor!, 'viewer')
    for (const evil of ['/%09/evil.example', '/%0a/evil.example', '/%20/evil.example', '/%5Cevil.example']) {
      const client = new TestClient(t.app)
      const form = await client.get(`/sign-in?returnTo=${evil}`)
      expect(load(form.body)('input[name=returnTo]').val()).toBe('/')
      const posted = await client.post('/sign-in', {
        email: user.email,
        password: 'correct horse battery staple',
        returnTo: decodeURIComponent(evil),
      })
      expect(posted.statusCode).toBe(302)
      expect(posted.headers.location).toBe('/')
    }
    // A page of this service is still where sign-in goes back to.
    const client = new TestClient(t.app)
    await client.get('/sign-in?returnTo=%2Flocations%3Fsearch%3Dheather%2520house')
    const back = await client.post('/sign-in', {
      email: user.email,
      password: 'correct horse battery staple',
      returnTo: '/locations?search=heather%20house',
    })
    expect(back.headers.location).toBe('/locations?search=heather%20house')
  })

  it('tells browsers to keep no copy of a signed-in page or export, but lets them cache the assets', async () => {
    const officer = await signedIn('officerN')
    for (const url of ['/', `/locations/${ids.home}`, '/dashboard/exports/directory.csv', '/no-such-page']) {
      const response = await officer.get(url)
      expect(response.headers['cache-control'], url).toBe('no-store')
    }
    const asset = await officer.get('/public/carehub.css')
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toContain('max-age')
    expect(asset.headers['cache-control']).not.toContain('no-store')
  })

  it('marks the CSRF cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await buildTestApp(engine, { TRUST_PROXY: 'true', COOKIE_SECURE: 'auto' })
    try {
      const csrfCookie = async (headers: Record<string, string>) => {
        const response = await proxied.app.inject({ method: 'GET', url: '/sign-in', headers })
        return response.cookies.find((c) => c.name === 'carehub_csrf')!
      }
      expect((await csrfCookie({ 'x-forwarded-proto': 'https' })).secure).toBe(true)
      expect((await csrfCookie({})).secure).toBeFalsy()
    } finally {
      await proxied.close()
    }
  })

  it('shows only its own messages in the exports page’s error summary', async () => {
    const officer = await signedIn('officerN')
    const planted = 'Your account is locked: call 0900 123 456 to unlock it'
    const page = await officer.get(`/dashboard/exports?error=${encodeURIComponent(planted)}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('0900 123 456')
    expect(load(page.body)('.govuk-error-summary').length).toBe(0)
    // The page's own message, from a refused download, is still shown.
    const refused = await officer.get('/dashboard/exports/returns.csv?from=2020-04-14&to=2020-04-01')
    expect(refused.statusCode).toBe(302)
    const back = await officer.get(refused.headers.location!)
    expect(load(back.body)('.govuk-error-summary').text()).toContain(
      'The first date must be on or before the last date',
    )
  })

  it('gives away nothing about another council’s users when an admin invites their e-mail address', async () => {
    const admin = await signedIn('adminN')
    const users = await t.database.db.selectFrom('users').select('id').execute()
    await admin.get('/admin/users/invite')
    const invited = await admin.post('/admin/users/invite', {
      displayName: 'Someone Else',
      email: emails.officerS!,
      organisationId: ids.northmoor!,
      role: 'viewer',
    })
    expect(invited.statusCode).toBe(302)
    const outcome = await admin.get(invited.headers.location!)
    expect(outcome.statusCode).toBe(200)
    expect(outcome.body).not.toMatch(/already|another|Southvale/i)
    expect(load(outcome.body)('.govuk-panel__title, .govuk-notification-banner').text()).toContain(
      'Invitation sent',
    )
    // No account made or changed; the address's owner is told instead; nothing in Northmoor's audit.
    expect(await t.database.db.selectFrom('users').select('id').execute()).toHaveLength(users.length)
    const notice = await t.database.db
      .selectFrom('outboxMessages')
      .select(['subject', 'body'])
      .where('toAddress', '=', emails.officerS!)
      .execute()
    expect(notice).toHaveLength(1)
    expect(notice[0]!.body).toContain('Northmoor Council')
    expect(notice[0]!.body).not.toContain('/accept-invitation/')
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['organisationId', 'entityId'])
      .where('action', '=', 'invitation-to-existing-account')
      .execute()
    expect(audit).toEqual([{ organisationId: ids.southvale, entityId: ids.officerS }])

    // The same from a provider's page, whose usual outcome is the provider page itself.
    const provider = await admin.get(`/providers/${ids.provider}`)
    expect(provider.statusCode).toBe(200)
    const fromProvider = await admin.post(`/providers/${ids.provider}/invite`, {
      displayName: 'Someone Else',
      email: emails.officerS!,
    })
    expect(fromProvider.statusCode).toBe(302)
    expect(fromProvider.headers.location).toBe(`/providers/${ids.provider}?invited=1#users`)

    // Within the admin's own council it may say so.
    await admin.get('/admin/users/invite')
    const colleague = await admin.post('/admin/users/invite', {
      displayName: 'Colleague',
      email: emails.officerN!,
      organisationId: ids.northmoor!,
      role: 'viewer',
    })
    expect(colleague.statusCode).toBe(400)
    expect(load(colleague.body)('.govuk-error-summary').text()).toContain('already')
  })
})
