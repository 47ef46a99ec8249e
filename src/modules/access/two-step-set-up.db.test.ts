import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser, testCookieSecret } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { openSecret } from '../../domain/secret-box.ts'
import { appCodeAt, twoStepKeyPurpose } from './two-step-codes.ts'

// Setting two-step sign-in up: the page stores nothing; the key it shows travels sealed in the page
// (two-step-key-being-set-up.ts) and is written only with the code that confirms it.
describe.each(engines)('setting up two-step sign-in on %s', (engine) => {
  let t: TestApp
  let councilId: string

  beforeAll(async () => {
    t = await buildTestApp(engine)
    councilId = await createOrganisation(t.database.db, 'council', 'Council U', { onsCode: 'E10000013' })
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

  it('keeps no key until a code confirms it: a refresh or second tab shows the same; another’s is refused', async () => {
    const officer = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    const setUp = '/two-step-sign-in/set-up'
    const shown = (body: string) => {
      const $ = load(body)
      return {
        key: $('#two-step-key').text().replace(/\s/g, ''),
        sealed: $('input[name="keyBeingSetUp"]').val() as string,
      }
    }
    const before = await userRow(officer.id)
    const first = shown((await client.get(setUp)).body)
    // Showing the page stores nothing; the key travels sealed, not as typed.
    expect(await userRow(officer.id)).toEqual(before)
    expect(before.twoStepKey).toBeNull()
    expect(first.sealed).toMatch(/^v1\./)
    expect(first.sealed).not.toContain(first.key)
    // The page again (refreshed, or in a second tab): the same key, and still nothing stored.
    const second = shown((await client.get(setUp)).body)
    expect(second.key).toBe(first.key)
    expect(await userRow(officer.id)).toEqual(before)

    // Refused with a clear error, nothing stored: another person's sealed key (with a code right for
    // it), one from this person's other sign-in, one altered, one made up, and none.
    const colleague = await createUser(t.database.db, councilId, 'council_officer')
    const theirs = new TestClient(t.app)
    await theirs.signIn(colleague.email)
    const theirKey = shown((await theirs.get(setUp)).body)
    expect(theirKey.key).not.toBe(first.key)
    const elsewhere = new TestClient(t.app)
    await elsewhere.signIn(officer.email)
    const otherSignIn = shown((await elsewhere.get(setUp)).body)
    const altered = `${first.sealed.slice(0, -2)}${first.sealed.endsWith('AA') ? 'BB' : 'AA'}`
    for (const [keyBeingSetUp, key] of [
      [theirKey.sealed, theirKey.key],
      [otherSignIn.sealed, otherSignIn.key],
      [altered, first.key],
      ['v1.made.up.value', first.key],
      ['', first.key],
    ] as const) {
      const refused = await client.post(setUp, { code: await appCodeAt(key, t.clock.now()), keyBeingSetUp })
      expect(refused.statusCode).toBe(400)
      expect(load(refused.body)('.govuk-error-summary a[href="#code"]').text()).toContain(
        'This set-up page does not belong to this sign-in',
      )
      // The page shows this browser's key again, not the one sent.
      expect(shown(refused.body).key).toBe(first.key)
    }
    expect(await userRow(officer.id)).toEqual(before)
    expect(await audits(officer.id, 'two-step-set-up')).toHaveLength(0)

    // A wrong code keeps the key on the page; the first tab's page then confirms it: the key and the
    // time it was set up written together.
    const wrong = await client.post(setUp, { code: '000000', keyBeingSetUp: first.sealed })
    expect(wrong.statusCode).toBe(400)
    expect(shown(wrong.body)).toEqual(first)
    const done = await client.post(setUp, {
      code: await appCodeAt(first.key, t.clock.now()),
      keyBeingSetUp: first.sealed,
    })
    expect(load(done.body)('h1').text()).toBe('Save your recovery codes')
    const row = await userRow(officer.id)
    expect(row.twoStepSetUpAt).not.toBeNull()
    expect(openSecret(testCookieSecret, twoStepKeyPurpose, row.twoStepKey!)).toBe(first.key)
    // The second tab's page, sent after: already set up, sent to their two-step page, nothing changed.
    t.clock.advanceMinutes(1)
    const late = await client.post(setUp, {
      code: await appCodeAt(first.key, t.clock.now()),
      keyBeingSetUp: second.sealed,
    })
    expect([late.statusCode, late.headers.location]).toEqual([302, '/two-step-sign-in'])
    expect(await userRow(officer.id)).toEqual(row)
  })

  it('refuses a set-up key shown more than 30 minutes ago, and shows a new one', async () => {
    const officer = await createUser(t.database.db, councilId, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    const page = load((await client.get('/two-step-sign-in/set-up')).body)
    const key = page('#two-step-key').text().replace(/\s/g, '')
    const keyBeingSetUp = page('input[name="keyBeingSetUp"]').val() as string
    // Kept signed in (a page every 20 minutes) while the set-up page stays open.
    t.clock.advanceMinutes(20)
    expect((await client.get('/two-step-sign-in')).statusCode).toBe(200)
    t.clock.advanceMinutes(11)
    const late = await client.post('/two-step-sign-in/set-up', {
      code: await appCodeAt(key, t.clock.now()),
      keyBeingSetUp,
    })
    expect(late.statusCode).toBe(400)
    const $ = load(late.body)
    expect($('.govuk-error-summary a[href="#code"]').text()).toContain('open for more than 30 minutes')
    expect($('#two-step-key').text().replace(/\s/g, '')).not.toBe(key)
    expect((await userRow(officer.id)).twoStepSetUpAt).toBeNull()
  })
})
