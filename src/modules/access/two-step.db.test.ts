import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createOrganisation,
  createUser,
  testCookieSecret,
  testTwoStepKey,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { openSecret } from '../../domain/secret-box.ts'
import { appCodeAt, twoStepKeyPurpose } from './two-step-codes.ts'

describe.each(engines)('two-step sign-in on %s', (engine) => {
  let t: TestApp
  let councilId: string

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council T', { onsCode: 'E10000012' })
  })
  afterAll(async () => {
    await t?.close()
  })

  const audits = (userId: string, action: string) =>
    t.database.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('entityId', '=', userId)
      .where('action', '=', action)
      .execute()
  const userRow = (id: string) =>
    t.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const passwordOnly = async (client: TestClient, email: string) => {
    await client.get('/sign-in')
    return client.post('/sign-in', { email, password: 'correct horse battery staple' })
  }

  // Through the pages: the key read from the set-up page, a code from it, the recovery codes shown.
  async function setUpThroughPages(client: TestClient) {
    const page = await client.get('/two-step-sign-in/set-up')
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    expect($('.carehub-qr-code svg').length).toBe(1)
    expect($('#code').attr('autocomplete')).toBe('one-time-code')
    expect($('#code').attr('inputmode')).toBe('numeric')
    const key = $('#two-step-key').text().replace(/\s/g, '')
    const keyBeingSetUp = $('input[name="keyBeingSetUp"]').val() as string
    const wrong = await client.post('/two-step-sign-in/set-up', { code: 'abc', keyBeingSetUp })
    expect(wrong.statusCode).toBe(400)
    expect(load(wrong.body)('.govuk-error-summary a[href="#code"]').length).toBe(1)
    const done = await client.post('/two-step-sign-in/set-up', {
      code: await appCodeAt(key, t.clock.now()),
      keyBeingSetUp,
    })
    expect(done.statusCode).toBe(200)
    const codes = load(done.body)('#recovery-codes li')
      .map((_, li) => load(li).text().trim())
      .get()
    return { key, codes }
  }

  it('sends an admin without it to set it up from every page until they have, then lets them in', async () => {
    const admin = await createUser(t.database.db, councilId, 'admin', undefined, { twoStep: false })
    const client = new TestClient(t.app)
    const signedIn = await passwordOnly(client, admin.email)
    expect(signedIn.headers.location).toBe('/two-step-sign-in/set-up?returnTo=%2F')
    for (const page of ['/admin/users', '/', '/two-step-sign-in'])
      expect((await client.get(page)).headers.location).toBe('/two-step-sign-in/set-up')
    const { key, codes } = await setUpThroughPages(client)
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    expect((await client.get('/admin/users')).statusCode).toBe(200)

    // Kept sealed and hashed: neither the key nor a code is in the database as typed.
    const row = await userRow(admin.id)
    expect(row.twoStepKey).not.toContain(key)
    expect(row.twoStepSetUpAt).not.toBeNull()
    const stored = await t.database.db
      .selectFrom('twoStepRecoveryCodes')
      .select('codeHash')
      .where('userId', '=', admin.id)
      .execute()
    expect(stored).toHaveLength(10)
    expect(stored.some((s) => codes.some((c) => s.codeHash.includes(c.replace('-', ''))))).toBe(false)
    expect(await audits(admin.id, 'two-step-set-up')).toHaveLength(1)
    expect(JSON.stringify(await audits(admin.id, 'two-step-set-up'))).not.toContain(key)
  })

  it('asks for the code after the password; refuses a wrong one and the same code twice', async () => {
    const finance = await createUser(t.database.db, councilId, 'finance_officer')
    const client = new TestClient(t.app)
    const signedIn = await passwordOnly(client, finance.email)
    expect(signedIn.headers.location).toBe('/two-step-sign-in/code?returnTo=%2F')
    // Part signed in: no page but the code's.
    expect((await client.get('/admin/users')).headers.location).toBe('/two-step-sign-in/code')
    const page = await client.get('/two-step-sign-in/code')
    expect(load(page.body)('h1').text()).toContain('Enter the code from your authenticator app')
    const wrong = await client.post('/two-step-sign-in/code', { code: '12345x' })
    expect(wrong.statusCode).toBe(400)
    expect(load(wrong.body)('.govuk-error-summary a[href="#code"]').length).toBe(1)
    expect((await userRow(finance.id)).failedSignInCount).toBe(1)
    const code = await appCodeAt(testTwoStepKey, t.clock.now())
    const right = await client.post('/two-step-sign-in/code', { code, returnTo: '/' })
    expect(right.statusCode).toBe(302)
    expect((await client.get('/')).statusCode).toBe(200)
    expect((await userRow(finance.id)).failedSignInCount).toBe(0)

    // The same code again, within its 30 seconds: refused.
    const again = new TestClient(t.app)
    await passwordOnly(again, finance.email)
    await again.get('/two-step-sign-in/code')
    expect((await again.post('/two-step-sign-in/code', { code })).statusCode).toBe(400)
    t.clock.advanceMinutes(1)
    const next = await appCodeAt(testTwoStepKey, t.clock.now())
    expect((await again.post('/two-step-sign-in/code', { code: next })).statusCode).toBe(302)
  })

  it('takes a recovery code once, and locks the account after too many wrong codes', async () => {
    const officer = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    // Optional for this role: from their own page.
    expect(
      load((await client.get('/two-step-sign-in')).body)('a[href="/two-step-sign-in/set-up"]').length,
    ).toBe(1)
    const { codes } = await setUpThroughPages(client)
    const recovery = codes[0]!

    const first = new TestClient(t.app)
    await passwordOnly(first, officer.email)
    await first.get('/two-step-sign-in/code')
    expect((await first.post('/two-step-sign-in/code', { code: recovery.toUpperCase() })).statusCode).toBe(
      302,
    )
    expect(await audits(officer.id, 'recovery-code-used')).toHaveLength(1)
    const second = new TestClient(t.app)
    await passwordOnly(second, officer.email)
    await second.get('/two-step-sign-in/code')
    expect((await second.post('/two-step-sign-in/code', { code: recovery })).statusCode).toBe(400)

    // Wrong codes count with wrong passwords: the tenth locks the account and ends the session.
    await t.database.db
      .updateTable('users')
      .set({ failedSignInCount: 9 })
      .where('id', '=', officer.id)
      .execute()
    const locked = await second.post('/two-step-sign-in/code', { code: '000000' })
    expect(locked.statusCode).toBe(400)
    expect(load(locked.body)('.govuk-error-summary').text()).toContain('locked')
    expect((await userRow(officer.id)).lockedUntil).not.toBeNull()
    expect((await second.get('/two-step-sign-in/code')).headers.location).toBe('/sign-in')
    await t.database.db
      .updateTable('users')
      .set({ failedSignInCount: 0, lockedUntil: null })
      .where('id', '=', officer.id)
      .execute()

    // Turning it off with a wrong code is refused and counted toward the lockout, as at sign-in;
    // nothing typed is said so, and not counted.
    await client.get('/two-step-sign-in')
    const before = (await audits(officer.id, 'two-step-code-failed')).length
    const blank = await client.post('/two-step-sign-in/turn-off', { code: '' })
    expect(blank.statusCode).toBe(400)
    const wrong = await client.post('/two-step-sign-in/turn-off', { code: '000000' })
    expect(wrong.statusCode).toBe(400)
    expect(load(wrong.body)('.govuk-error-summary a[href="#code"]').length).toBe(1)
    expect((await userRow(officer.id)).failedSignInCount).toBe(1)
    expect((await userRow(officer.id)).twoStepKey).not.toBeNull()
    expect(await audits(officer.id, 'two-step-code-failed')).toHaveLength(before + 1)
    await t.database.db
      .updateTable('users')
      .set({ failedSignInCount: 0 })
      .where('id', '=', officer.id)
      .execute()

    // Turned off with a code from the app.
    const off = await client.post('/two-step-sign-in/turn-off', { code: await twoStepCodeForKey(officer.id) })
    expect(off.headers.location).toBe('/two-step-sign-in?turnedOff=1')
    expect((await userRow(officer.id)).twoStepKey).toBeNull()
    expect(await audits(officer.id, 'two-step-turned-off')).toHaveLength(1)
  })

  // The code of a key set up through the pages: read back from the sealed copy, as the service does.
  async function twoStepCodeForKey(userId: string) {
    const row = await userRow(userId)
    t.clock.advanceMinutes(1)
    return appCodeAt(openSecret(testCookieSecret, twoStepKeyPurpose, row.twoStepKey!)!, t.clock.now())
  }

  it('gives new recovery codes for a code from the app: old ones stop working, wrong codes count', async () => {
    const officer = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    // Not set up: nothing to replace.
    expect((await client.get('/two-step-sign-in/new-recovery-codes')).headers.location).toBe(
      '/two-step-sign-in',
    )
    const { codes: old } = await setUpThroughPages(client)
    const hashes = async () =>
      (
        await t.database.db
          .selectFrom('twoStepRecoveryCodes')
          .select(['codeHash', 'usedAt'])
          .where('userId', '=', officer.id)
          .orderBy('codeHash')
          .execute()
      ).map((c) => `${c.codeHash} ${c.usedAt}`)
    const oldHashes = await hashes()
    const own = load((await client.get('/two-step-sign-in')).body)
    expect(own('a[href="/two-step-sign-in/new-recovery-codes"]').text()).toContain('get new recovery codes')
    const page = load((await client.get('/two-step-sign-in/new-recovery-codes')).body)
    expect(page('h1').text()).toBe('Get new recovery codes')
    expect(page('.govuk-warning-text').text()).toContain('old recovery codes will stop working')
    expect(page('form[action="/two-step-sign-in/new-recovery-codes"] input[name="_csrf"]').length).toBe(1)

    // Refused, changing nothing: no CSRF token; nothing typed (not counted); a wrong code and a
    // recovery code (each counted toward the lockout, the recovery code not used up).
    const forged = await client.post(
      '/two-step-sign-in/new-recovery-codes',
      { code: '000000' },
      { csrf: false },
    )
    expect(forged.statusCode).toBe(403)
    const blank = await client.post('/two-step-sign-in/new-recovery-codes', { code: ' ' })
    expect(blank.statusCode).toBe(400)
    expect(load(blank.body)('.govuk-error-summary a[href="#code"]').text()).toContain(
      'Enter the 6-digit code',
    )
    expect((await userRow(officer.id)).failedSignInCount).toBe(0)
    for (const code of ['000000', old[0]!]) {
      const wrong = await client.post('/two-step-sign-in/new-recovery-codes', { code })
      expect(wrong.statusCode).toBe(400)
      expect(load(wrong.body)('.govuk-error-summary a[href="#code"]').text()).toContain('not right')
    }
    expect((await userRow(officer.id)).failedSignInCount).toBe(2)
    expect(await audits(officer.id, 'two-step-code-failed')).toHaveLength(2)
    expect(await hashes()).toEqual(oldHashes)
    expect(await audits(officer.id, 'recovery-codes-replaced')).toHaveLength(0)

    const done = await client.post('/two-step-sign-in/new-recovery-codes', {
      code: await twoStepCodeForKey(officer.id),
    })
    expect(done.statusCode).toBe(200)
    const $ = load(done.body)
    expect($('h1').text()).toBe('Save your recovery codes')
    expect($('.govuk-notification-banner').text()).toContain('old ones no longer work')
    const fresh = $('#recovery-codes li')
      .map((_, li) => load(li).text().trim())
      .get()
    expect(fresh).toHaveLength(10)
    expect(fresh.filter((c) => old.includes(c))).toEqual([])
    expect((await hashes()).filter((h) => oldHashes.includes(h))).toEqual([])
    const [record] = await audits(officer.id, 'recovery-codes-replaced')
    expect(record?.actorUserId).toBe(officer.id)
    expect(record?.after).toEqual({ recoveryCodes: 10, unusedCodesReplaced: 10 })
    expect(JSON.stringify(record)).not.toContain(fresh[0]!.replace('-', ''))

    // Signing in: an old code is refused, a new one works.
    const next = new TestClient(t.app)
    await passwordOnly(next, officer.email)
    await next.get('/two-step-sign-in/code')
    expect((await next.post('/two-step-sign-in/code', { code: old[1]! })).statusCode).toBe(400)
    expect((await next.post('/two-step-sign-in/code', { code: fresh[1]! })).statusCode).toBe(302)

    // The tenth wrong code locks the account and ends the session it was typed in.
    await t.database.db
      .updateTable('users')
      .set({ failedSignInCount: 9 })
      .where('id', '=', officer.id)
      .execute()
    const locked = await client.post('/two-step-sign-in/new-recovery-codes', { code: '000000' })
    expect(locked.headers.location).toBe('/sign-in?locked=1')
    expect(load((await client.get('/sign-in?locked=1')).body)('.govuk-notification-banner').text()).toContain(
      'locked',
    )
    expect((await userRow(officer.id)).lockedUntil).not.toBeNull()
    expect(await audits(officer.id, 'account-locked')).toHaveLength(1)
    expect((await client.get('/two-step-sign-in')).headers.location).toMatch(/^\/sign-in/)
    expect(await audits(officer.id, 'recovery-codes-replaced')).toHaveLength(1)
  })

  it('lets an admin reset a user’s two-step sign-in: key and codes gone, signed out, audited', async () => {
    const admin = await createUser(t.database.db, councilId, 'admin')
    const finance = await createUser(t.database.db, councilId, 'finance_officer')
    const theirs = new TestClient(t.app)
    await theirs.signIn(finance.email)
    const client = new TestClient(t.app)
    await client.signIn(admin.email)
    const page = load((await client.get(`/admin/users/${finance.id}`)).body)
    expect(page('form[action$="/reset-two-step"] button').text()).toContain('Reset two-step sign-in')
    const reset = await client.post(`/admin/users/${finance.id}/reset-two-step`, {})
    expect(reset.headers.location).toBe(`/admin/users/${finance.id}?twoStepReset=1`)
    const row = await userRow(finance.id)
    expect([row.twoStepKey, row.twoStepSetUpAt]).toEqual([null, null])
    expect((await theirs.get('/')).headers.location).toMatch(/^\/sign-in/)
    const [record] = await audits(finance.id, 'two-step-reset')
    expect(record?.actorUserId).toBe(admin.id)
    expect(JSON.stringify(record)).not.toMatch(/v1\./)
    // Their next sign-in sets it up again; an officer of another council cannot reset anyone.
    expect((await passwordOnly(new TestClient(t.app), finance.email)).headers.location).toContain('set-up')
    const officer = new TestClient(t.app)
    await officer.signIn((await createUser(t.database.db, councilId, 'council_officer')).email)
    expect((await officer.post(`/admin/users/${admin.id}/reset-two-step`, {})).statusCode).toBe(404)
    // An admin with no other admin to reset them: the command does it, audited as the command's.
    expect((await t.services.users.resetTwoStepByCommand(admin.email.toUpperCase())).ok).toBe(true)
    expect((await userRow(admin.id)).twoStepKey).toBeNull()
    expect((await audits(admin.id, 'two-step-reset'))[0]?.actorUserId).toBeNull()
    expect((await client.get('/admin/users')).headers.location).toMatch(/^\/sign-in/)
  })
})
