import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { exampleSubmission } from '../api/index.ts'

type Problem = { type: string; title: string; status: number; detail: string; errors?: { field: string }[] }

// Two people changing the same return at once: the first's version is saved, the second is told (409)
// and can send theirs again on top of it; nothing is lost and nothing fails.
describe.each(engines)('amendments of the same return at once on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  let token = ''

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  const api = (body: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })

  const versionsAt = (locationId: string) =>
    t.database.db
      .selectFrom('situationReturns')
      .select(['id', 'version', 'isCurrent', 'amendmentReason', 'values'])
      .where('locationId', '=', locationId)
      .where('periodStart', '=', '2020-04-14')
      .orderBy('version')
      .execute()

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Conflict Council', { onsCode: 'E10000093' })
    ids.provider = await createProvider(db, 'Conflict Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Conflict Care Ltd', {
      providerId: ids.provider,
    })
    for (const key of ['web', 'api', 'race']) {
      ids[key] = await createLocation(db, ids.provider, ids.council, { name: `${key} House`, beds: 40 })
      cqc[key] = (
        await db
          .selectFrom('locations')
          .select('cqcLocationId')
          .where('id', '=', ids[key]!)
          .executeTakeFirstOrThrow()
      ).cqcLocationId!
    }
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officerA = (await createUser(db, ids.council, 'council_officer')).email
    emails.officerB = (await createUser(db, ids.council, 'council_officer')).email
    const manager = await signedIn('manager')
    await manager.get('/api-tokens')
    token = load((await manager.post('/api-tokens', { name: 'Records' })).body)('#api-token')
      .text()
      .trim()
    for (const key of ['web', 'api', 'race'])
      expect((await api({ ...exampleSubmission, locationId: cqc[key] })).statusCode).toBe(201)
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('on the web: both change version 1; the second is shown the first’s version and sends again on top of it', async () => {
    const [v1] = await versionsAt(ids.web!)
    const a = await signedIn('officerA')
    const b = await signedIn('officerB')
    // Both open the same version to change it, and each carries that version through the form.
    const formA = load((await a.get(`/returns/${v1!.id}/amend`)).body)
    const formB = load((await b.get(`/returns/${v1!.id}/amend`)).body)
    expect(formA('input[name=amendsVersion]').val()).toBe('1')
    const send = (client: TestClient, page: ReturnType<typeof load>, beds: string, reason: string) =>
      client.post(`/locations/${ids.web}/returns/check`, {
        ...fullReturn,
        bedsOccupied: beds,
        periodStart: '2020-04-14',
        amendsVersion: String(page('input[name=amendsVersion]').val()),
        amendmentReason: reason,
        action: 'submit',
      })
    expect((await send(a, formA, '39', 'One admission')).statusCode).toBe(302)
    const second = await send(b, formB, '37', 'One discharge')
    expect(second.statusCode).toBe(409)
    const $ = load(second.body)
    expect($('h1').text()).toBe('Someone else changed this return')
    const v2 = (await versionsAt(ids.web!))[1]!
    expect($('#latest-version').attr('href')).toBe(`/returns/${v2.id}`)
    expect($('dl').text()).toContain('37')
    // Nothing of B's was saved, and A's version stands.
    expect((await versionsAt(ids.web!)).map((v) => [v.version, v.isCurrent, v.amendmentReason])).toEqual([
      [1, false, null],
      [2, true, 'One admission'],
    ])
    // B takes their answers onto the latest version and sends them with a reason: version 3.
    const again = await b.post(`/locations/${ids.web}/returns/check`, {
      ...Object.fromEntries(
        $('form input[type=hidden]')
          .map((_, input) => [[$(input).attr('name')!, String($(input).val())]])
          .get() as [string, string][],
      ),
      action: 'change',
    })
    expect(again.statusCode).toBe(200)
    expect(load(again.body)('input[name=amendsVersion]').val()).toBe('2')
    expect(load(again.body)('#bedsOccupied').val()).toBe('37')
    expect((await send(b, load(again.body), '37', 'One discharge')).statusCode).toBe(302)
    const versions = await versionsAt(ids.web!)
    expect(versions.map((v) => [v.version, v.isCurrent, v.values.bedsOccupied])).toEqual([
      [1, false, 38],
      [2, false, 39],
      [3, true, 37],
    ])
  })

  it('in the API: the second amendment of version 1 gets a 409 naming the latest version', async () => {
    const amend = (beds: number, reason: string, amendsVersion?: number) =>
      api({
        ...exampleSubmission,
        locationId: cqc.api,
        values: { ...exampleSubmission.values, bedsOccupied: beds },
        amendmentReason: reason,
        ...(amendsVersion === undefined ? {} : { amendsVersion }),
      })
    const first = await amend(39, 'One admission', 1)
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ version: 2 })
    const second = await amend(37, 'One discharge', 1)
    expect(second.statusCode).toBe(409)
    expect(second.headers['content-type']).toContain('application/problem+json')
    const problem = second.json() as Problem
    expect(problem.title).toBe('The return was changed by someone else')
    expect(problem.detail).toContain('"amendsVersion": 2')
    expect(problem.errors?.map((e) => e.field)).toEqual(['amendsVersion'])
    expect((await versionsAt(ids.api!)).map((v) => v.values.bedsOccupied)).toEqual([38, 39])
    // Sent again on top of version 2, it is saved.
    const again = await amend(37, 'One discharge', 2)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toMatchObject({ version: 3 })
    const malformed = await amend(36, 'Typo', -1)
    expect(malformed.statusCode).toBe(400)
    expect((malformed.json() as Problem).errors?.map((e) => e.field)).toEqual(['amendsVersion'])
  })

  it('never fails when amendments without a version arrive at the same moment, and numbers every one once', async () => {
    const answers = await Promise.all(
      [31, 32, 33, 34, 35, 36].map((beds) =>
        api({
          ...exampleSubmission,
          locationId: cqc.race,
          values: { ...exampleSubmission.values, bedsOccupied: beds },
          amendmentReason: `Now ${beds}`,
        }),
      ),
    )
    for (const answer of answers) expect([201, 409]).toContain(answer.statusCode)
    const versions = await versionsAt(ids.race!)
    const created = answers.filter((a) => a.statusCode === 201)
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1))
    expect(versions).toHaveLength(1 + created.length)
    expect(versions.filter((v) => v.isCurrent)).toHaveLength(1)
    // Each 201 names a version that holds that request's figures.
    for (const answer of created) {
      const saved = versions.find((v) => v.id === answer.json().id)!
      expect(saved.amendmentReason).toBe(`Now ${saved.values.bedsOccupied}`)
    }
  })
})
