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
import { measuresForLocations } from '../early-warning/index.ts'

// Issue 19: a nil return says, in one action, that a location has no figures this period, and why.
describe.each(engines)('nil returns on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Nil Council', { onsCode: 'E10000093' })
    ids.provider = await createProvider(db, 'Nil Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Nil Care Ltd', { providerId: ids.provider })
    ids.closed = await createLocation(db, ids.provider, ids.council, { name: 'Shut House', beds: 20 })
    ids.other = await createLocation(db, ids.provider, ids.council, { name: 'Open House', beds: 20 })
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  it('is saved through the one save path with its reason, counts as reported and has no figures', async () => {
    const db = t.database.db
    // The day before: a full return with low PPE (masks for 0 days).
    t.clock.set(new Date('2020-04-13T08:00:00Z'))
    const manager = new TestClient(t.app)
    await manager.signIn(emails.manager!)
    await manager.get(`/locations/${ids.closed}/returns/new`)
    const earlier = await manager.post(`/locations/${ids.closed}/returns/check`, {
      ...fullReturn,
      periodStart: '2020-04-13',
      action: 'submit',
    })
    expect(earlier.statusCode).toBe(302)

    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    await manager.signIn(emails.manager!)
    const form = load((await manager.get(`/locations/${ids.closed}/returns/new`)).body)
    expect(form('#nothing-to-report').attr('href')).toBe(`/locations/${ids.closed}/returns/nothing-to-report`)
    await manager.get(`/locations/${ids.closed}/returns/nothing-to-report`)
    const noReason = await manager.post(`/locations/${ids.closed}/returns/nothing-to-report`, {
      nilReason: '',
    })
    expect(noReason.statusCode).toBe(400)
    expect(load(noReason.body)('.govuk-error-summary a[href="#nilReason"]').text()).toBe(
      'Select why there is nothing to report',
    )
    const other = await manager.post(`/locations/${ids.closed}/returns/nothing-to-report`, {
      nilReason: 'other',
    })
    expect(load(other.body)('.govuk-error-summary a[href="#nilDetails"]').text()).toBe(
      'Enter why there is nothing to report',
    )
    expect(
      await db.selectFrom('situationReturns').select('id').where('periodStart', '=', '2020-04-14').execute(),
    ).toEqual([])

    const sent = await manager.post(`/locations/${ids.closed}/returns/nothing-to-report`, {
      nilReason: 'temporarily-closed',
      nilDetails: 'Closed for refurbishment until May',
    })
    expect(sent.statusCode).toBe(302)
    const saved = await db
      .selectFrom('situationReturns')
      .selectAll()
      .where('locationId', '=', ids.closed!)
      .where('periodStart', '=', '2020-04-14')
      .executeTakeFirstOrThrow()
    expect(saved).toMatchObject({
      nilReturn: true,
      nilReason: 'temporarily-closed',
      nilDetails: 'Closed for refurbishment until May',
      values: {},
      timing: 'on-time',
      source: 'web',
    })
    const audit = await db
      .selectFrom('auditEvents')
      .select('after')
      .where('entityId', '=', saved.id)
      .executeTakeFirstOrThrow()
    expect(audit.after).toMatchObject({ nilReturn: { reason: 'temporarily-closed' } })
    const page = load((await manager.get(sent.headers.location!)).body)
    expect(page('main').text()).toContain('Nothing to report')
    expect(page('main').text()).toContain('Temporarily closed')
    expect(page('main').text()).not.toContain('Not reported')
    const history = load((await manager.get(`/locations/${ids.closed}/returns`)).body)
    expect(history('tbody tr').first().text()).toContain('nothing to report')

    // The risk rules that need figures have none to read: yesterday's low PPE is not carried over as today's.
    const [measured] = await measuresForLocations(db, t.clock.now(), [ids.closed!])
    expect(measured!.measures.lowestPpeDays).toBeNull()
    expect(measured!.measures.staffAbsencePercent).toBeNull()
    expect(measured!.measures.periodsWithoutReturn).toBe(0)
    const location = load((await manager.get(`/locations/${ids.closed}`)).body)
    expect(location('main').text()).toContain('The risk rules that need figures are not checked for it')

    // Counted as reported (on time) on the completeness page.
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const completeness = load(
      (await officer.get('/returns/completeness?frequency=daily&date=2020-04-14')).body,
    )
    const all = completeness('tbody tr:contains("All")')
      .first()
      .find('td')
      .map((_, td) => load(td).text().trim())
      .get()
    expect(all).toEqual(['2', '1', '0', '1', '50%'])
  })
})
