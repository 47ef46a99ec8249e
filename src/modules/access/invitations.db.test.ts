import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { sendDueEmails } from '../comms/index.ts'

// The organisation signs in only with its own accounts (single sign-on), password sign-in off.
const passwordSignInOffFor = (db: TestApp['database']['db'], organisationId: string, now: Date) =>
  db
    .insertInto('singleSignOnSettings')
    .values({
      organisationId,
      issuerUrl: 'https://login.example.org/tenant/v2.0',
      clientId: 'carehub',
      clientSecretSealed: 'v1.unused',
      groupRoles: JSON.stringify({ 'carehub-officers': 'council_officer' }),
      passwordSignInOff: true,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    })
    .execute()

describe.each(engines)('invitations and password resets on %s', (engine) => {
  let t: TestApp
  let councilId: string
  let admin: { id: string; email: string }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council I', { onsCode: 'E10000031' })
    admin = await createUser(t.database.db, councilId, 'admin')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function invite(client: TestClient, email: string) {
    await client.get('/admin/users/invite')
    return client.post('/admin/users/invite', {
      displayName: 'New Person',
      email,
      organisationId: councilId,
      role: 'council_officer',
    })
  }

  const linkIn = (body: string) => /http:\/\/carehub\.test(\/accept-invitation\/[\w-]+)/.exec(body)![1]!

  it('lets the invited person set a password once through the link, then sign in', async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    await invite(client, 'newcomer@example.org')
    await sendDueEmails(t.database.db, t.mail, t.clock)
    const message = t.mail.sent.find((m) => m.to === 'newcomer@example.org')!
    const link = linkIn(message.body)

    const visitor = new TestClient(t.app)
    expect((await visitor.get(link)).statusCode).toBe(200)
    const short = await visitor.post(link, { password: 'short', confirmPassword: 'short' })
    expect(short.statusCode).toBe(400)
    expect(load(short.body)('.govuk-error-summary').text()).toContain(
      'Password must be 12 characters or more',
    )
    const done = await visitor.post(link, {
      password: 'a long enough passphrase',
      confirmPassword: 'a long enough passphrase',
    })
    expect(done.headers.location).toBe('/sign-in?passwordSet=1')
    expect((await visitor.get(link)).statusCode).toBe(404)

    await visitor.get('/sign-in')
    expect(
      (
        await visitor.post('/sign-in', {
          email: 'newcomer@example.org',
          password: 'a long enough passphrase',
        })
      ).statusCode,
    ).toBe(302)
    const actions = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('action', 'in', ['user-invited', 'invitation-accepted'])
      .execute()
    expect(actions.map((a) => a.action).sort()).toEqual(
      expect.arrayContaining(['invitation-accepted', 'user-invited']),
    )
  })

  it('expires an invitation after 7 days', async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    await invite(client, 'late@example.org')
    await sendDueEmails(t.database.db, t.mail, t.clock)
    const link = linkIn(t.mail.sent.find((m) => m.to === 'late@example.org')!.body)
    t.clock.advanceMinutes(7 * 24 * 60 + 1)
    const visitor = new TestClient(t.app)
    const response = await visitor.get(link)
    expect(response.statusCode).toBe(404)
    expect(response.body).toContain('This link has expired or been used')
  })

  it('resets a forgotten password through an e-mailed link, without saying whether the address exists', async () => {
    const user = await createUser(t.database.db, councilId, 'council_officer')
    const visitor = new TestClient(t.app)
    await visitor.get('/forgot-password')
    const known = await visitor.post('/forgot-password', { email: user.email })
    const unknown = await visitor.post('/forgot-password', { email: 'nobody@example.org' })
    expect(load(known.body)('main').text()).toEqual(load(unknown.body)('main').text())
    await sendDueEmails(t.database.db, t.mail, t.clock)
    const body = t.mail.sent.find((m) => m.to === user.email)!.body
    const link = /http:\/\/carehub\.test(\/reset-password\/[\w-]+)/.exec(body)![1]!
    await visitor.get(link)
    expect(
      (
        await visitor.post(link, {
          password: 'a brand new passphrase',
          confirmPassword: 'a brand new passphrase',
        })
      ).statusCode,
    ).toBe(302)
    await visitor.get('/sign-in')
    expect(
      (await visitor.post('/sign-in', { email: user.email, password: 'a brand new passphrase' })).statusCode,
    ).toBe(302)
  })

  it('invites no one to an organisation that signs in only with single sign-on, and sends nothing', async () => {
    const db = t.database.db
    const ssoCouncil = await createOrganisation(db, 'council', 'Council S', { onsCode: 'E10000032' })
    const ssoAdmin = await createUser(db, ssoCouncil, 'admin')
    const client = new TestClient(t.app)
    await client.signIn(ssoAdmin.email)
    const form = (email: string, extra: Record<string, string> = {}) => ({
      displayName: 'Would Be',
      email,
      organisationId: ssoCouncil,
      role: 'council_officer',
      ...extra,
    })
    // Invited while password sign-in was on; then the council turns it off.
    await client.get('/admin/users/invite')
    expect((await client.post('/admin/users/invite', form('before@example.org'))).statusCode).toBe(302)
    const earlier = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'before@example.org')
      .executeTakeFirstOrThrow()
    await passwordSignInOffFor(db, ssoCouncil, t.clock.now())
    const outbox = async () => (await db.selectFrom('outboxMessages').select('id').execute()).length
    const invitedAudits = async () =>
      (
        await db
          .selectFrom('auditEvents')
          .select('id')
          .where('action', 'in', ['user-invited', 'invitation-resent'])
          .execute()
      ).length
    const [mailBefore, auditsBefore] = [await outbox(), await invitedAudits()]
    const message =
      'This organisation signs in with its own accounts (single sign-on), so people do not need an invitation'

    // "Continue" after choosing the organisation says so at once, on the organisation field.
    await client.get('/admin/users/invite')
    const chosen = await client.post('/admin/users/invite', { ...form(''), role: '', step: 'organisation' })
    expect(chosen.statusCode).toBe(400)
    const $chosen = load(chosen.body)
    expect($chosen('.govuk-error-summary a[href="#organisationId"]').text()).toContain(message)
    expect($chosen('#organisationId-error').text()).toContain(message)
    // So does "Send invitation", with everything else right: no user made, nothing sent or audited.
    const sent = await client.post('/admin/users/invite', form('after@example.org'))
    expect(sent.statusCode).toBe(400)
    expect(load(sent.body)('#organisationId-error').text()).toContain(message)
    expect(
      await db.selectFrom('users').select('id').where('email', '=', 'after@example.org').execute(),
    ).toEqual([])

    // The earlier invitation: no button to send it again, and a forced resend is refused.
    const page = load((await client.get(`/admin/users/${earlier.id}`)).body)
    expect(page('form[action$="/resend-invitation"]').length).toBe(0)
    expect(page('#invitation').text()).toContain('cannot be sent again')
    const resent = await client.post(`/admin/users/${earlier.id}/resend-invitation`, {})
    expect(resent.statusCode).toBe(400)
    expect(load(resent.body)('.govuk-error-summary').text()).toContain(message)
    expect([await outbox(), await invitedAudits()]).toEqual([mailBefore, auditsBefore])

    // Another council, its password sign-in on, still invites.
    const other = new TestClient(t.app)
    await other.signIn(admin.email)
    expect((await invite(other, 'still-invited@example.org')).statusCode).toBe(302)
  })

  it('sets no password through an invitation e-mailed before the organisation turned password sign-in off', async () => {
    const db = t.database.db
    const ssoCouncil = await createOrganisation(db, 'council', 'Council T', { onsCode: 'E10000033' })
    const ssoAdmin = await createUser(db, ssoCouncil, 'admin')
    const client = new TestClient(t.app)
    await client.signIn(ssoAdmin.email)
    await client.get('/admin/users/invite')
    const invited = await client.post('/admin/users/invite', {
      displayName: 'Early Invitee',
      email: 'early@example.org',
      organisationId: ssoCouncil,
      role: 'council_officer',
    })
    expect(invited.statusCode).toBe(302)
    await sendDueEmails(db, t.mail, t.clock)
    const link = linkIn(t.mail.sent.find((m) => m.to === 'early@example.org')!.body)
    await passwordSignInOffFor(db, ssoCouncil, t.clock.now())

    const visitor = new TestClient(t.app)
    const expectOwnAccountsPage = (body: string) => {
      const $ = load(body)
      expect($('h1').text()).toBe('Your organisation signs in with its own accounts')
      expect($('main a[href="/sign-in/organisation-account"]').text()).toContain('organisation’s account')
      expect($('input[name="password"]').length).toBe(0)
    }
    const opened = await visitor.get(link)
    expect(opened.statusCode).toBe(403)
    expectOwnAccountsPage(opened.body)
    await visitor.get('/sign-in') // for a CSRF token: the page has no form
    const posted = await visitor.post(link, {
      password: 'a long enough passphrase',
      confirmPassword: 'a long enough passphrase',
    })
    expect(posted.statusCode).toBe(403)
    expectOwnAccountsPage(posted.body)
    expect(
      await db
        .selectFrom('users')
        .select(['status', 'passwordHash'])
        .where('email', '=', 'early@example.org')
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'invited', passwordHash: null })
    const accepted = await db
      .selectFrom('auditEvents')
      .select('id')
      .where('action', '=', 'invitation-accepted')
      .where('organisationId', '=', ssoCouncil)
      .execute()
    expect(accepted).toEqual([])
  })
})
