import * as cheerio from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
  type TestPerson,
} from '../../../test/support/test-identity-provider.ts'
import { loadConfig } from '../../config.ts'
import { createSingleSignOnSettingsService } from './single-sign-on.service.ts'

// Against a real OpenID Connect provider (oidc-provider) on loopback: its sign-in page, tokens and
// userinfo, with the app's own routes through inject().
describe.each(engines)('single sign-on with a council’s identity provider on %s', (engine) => {
  let t: TestApp
  let idp: TestIdentityProvider
  const clientSecret = 'a-client-secret-nobody-may-read-back'
  const people: Record<string, TestPerson> = {
    alice: { email: 'alice@testshire.example', name: 'Alice Admin', groups: ['carehub-admins', 'all-staff'] },
    bob: { email: 'bob@testshire.example', name: 'Bob Canteen', groups: ['all-staff'] },
    carol: { email: 'carol@testshire.example', name: 'Carol Officer', groups: ['carehub-officers'] },
    dave: { email: 'dave@otherton.example', name: 'Dave Elsewhere', groups: ['carehub-officers'] },
    erin: { email: 'erin@testshire.example', name: 'Erin Leaver', groups: ['carehub-officers'] },
    fred: { email: 'fred@testshire.example', name: 'Fred Visitor', groups: [] },
    gina: { email: 'gina@testshire.example', name: 'Gina Invited', groups: ['carehub-officers'] },
    hank: { email: 'hank@testshire.example', name: 'Hank Disabled', groups: ['carehub-officers'] },
  }
  let council: string
  let otherCouncil: string
  let admin: { id: string; email: string }
  let otherAdmin: { id: string; email: string }
  let carolByPassword: { id: string; email: string }

  const settingsPath = () => `/admin/single-sign-on/${council}`
  const form = (extra: Record<string, string> = {}) => ({
    issuerUrl: idp.issuer,
    clientId: 'carehub',
    clientSecret,
    groupsClaim: 'groups',
    groupRoles: 'carehub-admins=admin\ncarehub-officers=council_officer',
    passwordSignIn: 'on',
    enabled: 'yes',
    ...extra,
  })
  const signedInAdmin = async () => {
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    await client.get(settingsPath())
    return client
  }
  // Starts at the app, signs in at the provider as `login`, and brings the browser back to the app.
  const signInWithProvider = async (login: string, client = new TestClient(t.app)) => {
    const start = await client.get(`/sign-in/organisation-account/${council}`)
    expect(start.statusCode).toBe(302)
    const callback = new URL(await idp.signInAs(start.headers.location as string, login))
    expect(callback.origin).toBe('http://carehub.test')
    const response = await client.get(callback.pathname + callback.search)
    return { client, response, callback: callback.pathname + callback.search }
  }
  const userByEmail = (email: string) =>
    t.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  const auditActions = async () =>
    (await t.database.db.selectFrom('auditEvents').select('action').execute()).map((a) => a.action)

  beforeAll(async () => {
    t = await buildTestApp(engine)
    idp = await startTestIdentityProvider({
      clientId: 'carehub',
      clientSecret,
      redirectUri: 'http://carehub.test/sign-in/organisation-account/callback',
      postLogoutRedirectUri: 'http://carehub.test/sign-in?signedOut=1',
      people,
    })
    const db = t.database.db
    council = await createOrganisation(db, 'council', 'Testshire', { onsCode: 'E10000031' })
    otherCouncil = await createOrganisation(db, 'council', 'Otherton', { onsCode: 'E10000032' })
    admin = await createUser(db, council, 'admin')
    otherAdmin = await createUser(db, otherCouncil, 'admin')
    carolByPassword = await createUser(db, council, 'viewer', people.carol!.email)
    await createUser(db, otherCouncil, 'council_officer', people.dave!.email)
  })
  afterAll(async () => {
    await idp?.close()
    await t?.close()
  })

  it('sets up an organisation’s provider on its admin page: errors summarised, secret sealed, others refused', async () => {
    const client = await signedInAdmin()
    const empty = await client.post(settingsPath(), { passwordSignIn: 'on', enabled: 'yes' })
    expect(empty.statusCode).toBe(400)
    const summary = cheerio.load(empty.body)('.govuk-error-summary').text()
    expect(summary).toContain('Enter the issuer URL')
    expect(summary).toContain('Enter the client ID')
    expect(summary).toContain('Enter the client secret')
    expect(summary).toContain('Enter at least one group')
    const badRole = await client.post(
      settingsPath(),
      form({ groupRoles: 'x=partner_officer', issuerUrl: 'http://idp.example' }),
    )
    expect(badRole.statusCode).toBe(400)
    expect(badRole.body).toContain('must start with https://')
    expect(badRole.body).toContain('is not a role this organisation’s users can hold')
    expect(badRole.body).not.toContain(clientSecret)

    // Another council's admin, an officer and a forged post get nothing.
    const other = new TestClient(t.app)
    await other.signIn(otherAdmin.email)
    expect((await other.get(settingsPath())).statusCode).toBe(404)
    expect((await other.post(settingsPath(), form())).statusCode).toBe(404)
    const forged = await new TestClient(t.app).post(settingsPath(), form(), { csrf: false })
    expect(forged.statusCode).toBe(403)
    expect(await t.database.db.selectFrom('singleSignOnSettings').selectAll().execute()).toHaveLength(0)

    expect((await client.post(settingsPath(), form())).statusCode).toBe(302)
    const row = await t.database.db.selectFrom('singleSignOnSettings').selectAll().executeTakeFirstOrThrow()
    expect(row.clientSecretSealed).not.toContain(clientSecret)
    expect(row.clientSecretSealed).not.toContain(Buffer.from(clientSecret).toString('base64url'))
    const page = await client.get(settingsPath())
    expect(page.body).toContain('A secret is set')
    expect(page.body).not.toContain(clientSecret)
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'single-sign-on-settings-saved')
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(audit)).not.toContain(clientSecret)
    // Saving again with the secret left blank keeps it.
    expect((await client.post(settingsPath(), form({ clientSecret: '' }))).statusCode).toBe(302)
  })

  it('signs in a person in a mapped group with the mapped role, the same account every time', async () => {
    const { client, response } = await signInWithProvider('alice')
    expect(response.statusCode).toBe(302)
    const user = await userByEmail(people.alice!.email)
    expect(user).toMatchObject({
      role: 'admin',
      organisationId: council,
      status: 'active',
      passwordHash: null,
    })
    expect((await client.get('/admin/users')).statusCode).toBe(200)
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['single-sign-on-account-created', 'signed-in-with-single-sign-on']),
    )
    // Moved to the officers' group in the directory: the same account, its role changed and audited.
    people.alice!.groups = ['carehub-officers']
    await signInWithProvider('alice')
    const again = await userByEmail(people.alice!.email)
    expect(again).toMatchObject({ id: user!.id, role: 'council_officer' })
    expect(await auditActions()).toContain('single-sign-on-role-changed')
  })

  it('refuses a person in no mapped group with a clear page, and makes no account', async () => {
    const { response } = await signInWithProvider('bob')
    expect(response.statusCode).toBe(403)
    expect(cheerio.load(response.body)('h1').text()).toBe('You cannot use CareHub with this account')
    expect(response.body).toContain('administrator to add you to the right group')
    expect(await userByEmail(people.bob!.email)).toBeUndefined()
    const refused = await t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'single-sign-on-refused-no-mapped-group')
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(refused)).not.toContain('bob')
  })

  it('disables the account of one taken out of every mapped group at their next sign-in, and ends their sessions', async () => {
    const db = t.database.db
    // Signed in twice (two browsers), then taken out of the officers' group in the directory.
    const first = await signInWithProvider('erin')
    const second = await signInWithProvider('erin')
    expect(second.response.statusCode).toBe(302)
    const erin = (await userByEmail(people.erin!.email))!
    expect((await first.client.get('/')).statusCode).toBe(200)
    const sessionsOf = (userId: string) =>
      db.selectFrom('sessions').select('tokenHash').where('userId', '=', userId).execute()
    expect(await sessionsOf(erin.id)).toHaveLength(2)
    people.erin!.groups = ['all-staff']

    const { response } = await signInWithProvider('erin')
    expect(response.statusCode).toBe(403)
    expect(response.body).toContain('administrator to add you to the right group')
    expect(await userByEmail(people.erin!.email)).toMatchObject({ id: erin.id, status: 'disabled' })
    expect(await sessionsOf(erin.id)).toHaveLength(0)
    expect((await first.client.get('/')).headers.location).toMatch(/^\/sign-in/)
    expect((await second.client.get('/')).headers.location).toMatch(/^\/sign-in/)
    const disabled = await db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'single-sign-on-account-disabled-no-mapped-group')
      .execute()
    expect(disabled).toHaveLength(1)
    expect(disabled[0]).toMatchObject({ entityId: erin.id, organisationId: council })
    expect(disabled[0]!.after).toMatchObject({ before: 'active', status: 'disabled' })
    expect(JSON.stringify(disabled)).not.toMatch(/erin|Leaver/i)
    // Put back in the group: still disabled until an admin enables them.
    people.erin!.groups = ['carehub-officers']
    expect((await signInWithProvider('erin')).response.statusCode).toBe(403)

    // Someone CareHub has never seen, in no mapped group: nothing made, nothing disabled.
    const count = async (table: 'users' | 'sessions' | 'singleSignOnIdentities') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = [await count('users'), await count('sessions'), await count('singleSignOnIdentities')]
    expect((await signInWithProvider('fred')).response.statusCode).toBe(403)
    expect(await userByEmail(people.fred!.email)).toBeUndefined()
    expect([await count('users'), await count('sessions'), await count('singleSignOnIdentities')]).toEqual(
      before,
    )
    expect(
      await db
        .selectFrom('auditEvents')
        .select('id')
        .where('action', '=', 'single-sign-on-account-disabled-no-mapped-group')
        .execute(),
    ).toHaveLength(1)
  })

  it('refuses a callback replayed, or brought to another browser (state mismatch)', async () => {
    const client = new TestClient(t.app)
    const start = await client.get(`/sign-in/organisation-account/${council}`)
    const callback = new URL(await idp.signInAs(start.headers.location as string, 'alice'))
    const path = callback.pathname + callback.search
    // Another browser, without this one's state cookie (login CSRF), is refused and changes nothing.
    const sessionsBefore = (await t.database.db.selectFrom('sessions').selectAll().execute()).length
    const stranger = await new TestClient(t.app).get(path)
    expect(stranger.statusCode).toBe(400)
    expect(stranger.body).toContain('Sign-in did not work')
    expect(await t.database.db.selectFrom('sessions').selectAll().execute()).toHaveLength(sessionsBefore)
    // This browser signs in; the same callback again is refused (the state is used once).
    expect((await client.get(path)).statusCode).toBe(302)
    const replay = await client.get(path)
    expect(replay.statusCode).toBe(400)
    // A state this service never gave, with a cookie to match, is refused too.
    const forged = new TestClient(t.app)
    const forgedPath = path.replace(/state=[^&]+/, 'state=made-up')
    expect((await forged.get(forgedPath)).statusCode).toBe(400)
  })

  it('links a password user of the same council by e-mail; refuses one of another council', async () => {
    const carol = await signInWithProvider('carol')
    expect(carol.response.statusCode).toBe(302)
    expect(await userByEmail(people.carol!.email)).toMatchObject({
      id: carolByPassword.id,
      role: 'council_officer',
    })
    expect(await auditActions()).toContain('single-sign-on-account-linked')
    const dave = await signInWithProvider('dave')
    expect(dave.response.statusCode).toBe(403)
    expect((await userByEmail(people.dave!.email))?.organisationId).toBe(otherCouncil)
  })

  it('lets in one invited who never set a password, made active and audited; a disabled one is refused', async () => {
    const db = t.database.db
    const withStatus = async (email: string, status: string) => {
      const user = await createUser(db, council, 'viewer', email)
      await db.updateTable('users').set({ status, passwordHash: null }).where('id', '=', user.id).execute()
      return user
    }
    const gina = await withStatus(people.gina!.email, 'invited')
    const { client, response } = await signInWithProvider('gina')
    expect(response.statusCode).toBe(302)
    expect(await userByEmail(people.gina!.email)).toMatchObject({ id: gina.id, status: 'active' })
    expect((await client.get('/')).statusCode).toBe(200)
    const accepted = await db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'single-sign-on-invitation-accepted')
      .execute()
    expect(accepted).toHaveLength(1)
    expect(accepted[0]).toMatchObject({ entityId: gina.id, organisationId: council })
    expect(accepted[0]!.after).toMatchObject({ before: 'invited', status: 'active' })

    await withStatus(people.hank!.email, 'disabled')
    const hank = await signInWithProvider('hank')
    expect(hank.response.statusCode).toBe(403)
    expect(await userByEmail(people.hank!.email)).toMatchObject({ status: 'disabled' })
    expect((await hank.client.get('/')).headers.location).toMatch(/^\/sign-in/)
  })

  it('sends an SSO session’s sign-out on to the provider; a password session to the sign-in page', async () => {
    const { client } = await signInWithProvider('alice')
    await client.get('/')
    const out = await client.post('/sign-out', {})
    expect(out.statusCode).toBe(302)
    expect(out.headers.location).toBe(`/sign-out/organisation-account/${council}`)
    const signedOut = await client.get(out.headers.location as string)
    expect(signedOut.statusCode).toBe(200)
    const href = cheerio.load(signedOut.body)('a.govuk-button').attr('href')!
    const to = new URL(href)
    expect(to.origin).toBe(idp.issuer)
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe('http://carehub.test/sign-in?signedOut=1')
    expect((await client.get('/admin/users')).statusCode).toBe(302)
    const byPassword = new TestClient(t.app)
    await byPassword.signIn(otherAdmin.email)
    const passwordOut = await byPassword.post('/sign-out', {})
    expect(passwordOut.headers.location).toBe('/sign-in?signedOut=1')
  })

  it('refuses password sign-in and reset links for a council that turned password sign-in off', async () => {
    const client = await signedInAdmin()
    expect(
      (await client.post(settingsPath(), form({ passwordSignIn: 'off', clientSecret: '' }))).statusCode,
    ).toBe(302)
    const refused = new TestClient(t.app)
    await refused.get('/sign-in')
    const answer = await refused.post('/sign-in', {
      email: carolByPassword.email,
      password: 'correct horse battery staple',
    })
    expect(answer.statusCode).toBe(400)
    expect(answer.body).toContain('Your organisation has turned off password sign-in')
    expect(await auditActions()).toContain('password-sign-in-refused')
    const outbox = async () => (await t.database.db.selectFrom('outboxMessages').selectAll().execute()).length
    const before = await outbox()
    await refused.get('/forgot-password')
    await refused.post('/forgot-password', { email: carolByPassword.email })
    expect(await outbox()).toBe(before)
    // Another council's users still sign in with their password; SSO still works.
    await new TestClient(t.app).signIn(otherAdmin.email)
    expect((await signInWithProvider('carol')).response.statusCode).toBe(302)
  })

  it('takes one organisation’s settings from SSO_* variables, once, without a secret in the clear', async () => {
    const partner = await createOrganisation(t.database.db, 'nhs_commissioner', 'Testshire ICB')
    const config = loadConfig({
      NODE_ENV: 'test',
      SSO_ORGANISATION_ID: partner,
      SSO_ISSUER: idp.issuer,
      SSO_CLIENT_ID: 'carehub-icb',
      SSO_CLIENT_SECRET: 'icb-secret-value',
      SSO_GROUP_ROLES: 'icb-officers=partner_officer, icb-readers=viewer',
      SSO_PASSWORD_SIGN_IN: 'off',
    })
    const settings = createSingleSignOnSettingsService({
      db: t.database.db,
      clock: t.clock,
      cookieSecret: 'test-cookie-secret-of-at-least-32-chars',
      fromEnvironment: config.singleSignOn,
      allowLoopbackHttp: true,
    })
    expect(await settings.applyEnvironmentSettings()).toBe('applied')
    expect(await settings.applyEnvironmentSettings()).toBe('unchanged')
    const row = await t.database.db
      .selectFrom('singleSignOnSettings')
      .selectAll()
      .where('organisationId', '=', partner)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ passwordSignInOff: true, fromEnvironment: true, clientId: 'carehub-icb' })
    expect(row.groupRoles).toEqual({ 'icb-officers': 'partner_officer', 'icb-readers': 'viewer' })
    expect(row.clientSecretSealed).not.toContain('icb-secret-value')
    expect(() => loadConfig({ NODE_ENV: 'test', SSO_ISSUER: idp.issuer })).toThrow(/SSO_ORGANISATION_ID/)
  })
})
