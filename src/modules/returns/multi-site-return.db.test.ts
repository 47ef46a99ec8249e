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
import type { ServiceType } from '../../domain/service-types.ts'
import { currentDataset, parseReturn } from './domain/dataset.ts'
import { siteInput } from './domain/multi-site-return.ts'

// Issue 19: today's return for all of a chain's locations on one page. Each filled row is a whole return
// checked as the single form checks it; every row is saved, with its audit record, or none is.
const { residents: _r, bedsAvailable: _a, bedsOccupied: _o, closedToAdmissions: _c, ...common } = fullReturn
const homeCareReturn = {
  ...common,
  canAcceptDischarges: '',
  peopleSupported: '120',
  hoursDelivered: '2400',
  visitsMissed: '3',
  capacityForNewPackages: 'yes',
}

describe.each(engines)('today’s return for many locations on one page on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  // A Thursday, when the home care agency's weekly return has opened too.
  const today = '2020-04-16'
  const homes = ['Ash House', 'Beech House', 'Cedar House', 'Damson House']

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  const lastReturn = async (locationId: string, serviceType: ServiceType, periodStart: string) => {
    const { canAcceptDischarges: _d, ...raw } = serviceType === 'home_care' ? homeCareReturn : fullReturn
    const parsed = parseReturn(currentDataset, serviceType, serviceType === 'home_care' ? raw : fullReturn)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    await t.database.db
      .insertInto('situationReturns')
      .values({
        locationId,
        frequency: serviceType === 'home_care' ? 'weekly' : 'daily',
        periodStart,
        version: 1,
        isCurrent: true,
        datasetVersion: currentDataset.version,
        values: JSON.stringify(parsed.values),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date(`${periodStart}T08:00:00Z`),
        amendmentReason: null,
      })
      .execute()
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Chain Council', { onsCode: 'E10000093' })
    ids.provider = await createProvider(db, 'Chain Care Group Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Chain Care Group Ltd', {
      providerId: ids.provider,
    })
    ids.otherProvider = await createProvider(db, 'Elsewhere Care Ltd')
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    for (const name of homes) {
      ids[name] = await createLocation(db, ids.provider, ids.council, { name, beds: 40 })
      await lastReturn(ids[name]!, 'care_home_residential', '2020-04-15')
    }
    ids.agency = await createLocation(db, ids.provider, ids.council, {
      name: 'Elm Home Care',
      serviceType: 'home_care',
    })
    await lastReturn(ids.agency, 'home_care', '2020-04-06')
    ids.newHome = await createLocation(db, ids.provider, ids.council, { name: 'Fir House', beds: 20 })
    ids.notOurs = await createLocation(db, ids.otherProvider, ids.council, { name: 'Not Ours House' })
    await lastReturn(ids.notOurs, 'care_home_residential', '2020-04-15')
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  // Today's figures for a care home row (the home care agency's row has no beds or admissions).
  const careHomeRow = (id: string, figures: Record<string, string> = {}) => ({
    [siteInput(id, 'residents')]: '37',
    [siteInput(id, 'bedsOccupied')]: '37',
    [siteInput(id, 'closedToAdmissions')]: 'no',
    [siteInput(id, 'confirmedCasesResidents')]: '0',
    [siteInput(id, 'confirmedCasesStaff')]: '1',
    [siteInput(id, 'covidDeathsResidents')]: '0',
    [siteInput(id, 'staffAbsentCovid')]: '5',
    [siteInput(id, 'staffAbsentOther')]: '2',
    ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [siteInput(id, k), v])),
  })
  const agencyRow = (id = ids.agency!) => ({
    [siteInput(id, 'peopleSupported')]: '118',
    [siteInput(id, 'confirmedCasesResidents')]: '0',
    [siteInput(id, 'confirmedCasesStaff')]: '0',
    [siteInput(id, 'covidDeathsResidents')]: '0',
    [siteInput(id, 'staffAbsentCovid')]: '3',
    [siteInput(id, 'staffAbsentOther')]: '1',
  })
  const savedToday = () =>
    t.database.db
      .selectFrom('situationReturns')
      .select(['locationId', 'values', 'source', 'periodStart'])
      .where('locationId', 'in', [...homes.map((h) => ids[h]!), ids.agency!, ids.notOurs!])
      .where('submittedAt', '>=', new Date('2020-04-16T00:00:00Z'))
      .execute()
  const auditedToday = async () =>
    (
      await t.database.db
        .selectFrom('auditEvents')
        .select(['entityId', 'action'])
        .where('action', '=', 'return-submitted')
        .where('occurredAt', '>=', new Date('2020-04-16T00:00:00Z'))
        .execute()
    ).length

  it('shows one row per location of the manager’s own, with the last figures, linked from home', async () => {
    const manager = await signedIn('manager')
    const home = load((await manager.get('/')).body)
    expect(home('a[href="/returns/all-locations"]').length).toBe(1)
    const response = await manager.get('/returns/all-locations')
    expect(response.statusCode).toBe(200)
    const $ = load(response.body)
    const rows = $('tr[data-location]')
    expect(rows.map((_, r) => $(r).attr('data-location')).get()).toEqual([
      ...homes.map((h) => ids[h]),
      ids.agency,
      ids.newHome,
    ])
    expect($(`tr[data-location="${ids.newHome}"]`).attr('data-state')).toBe('needs-full-return')
    // The last figures beside the boxes: yesterday's 38 residents.
    expect($(`#${siteInput(ids['Ash House']!, 'residents')}-hint`).text()).toContain('Last: 38')
    // The agency's return asks no beds.
    expect($(`#${siteInput(ids.agency!, 'bedsOccupied')}`).length).toBe(0)
    expect($(`#${siteInput(ids.agency!, 'peopleSupported')}`).length).toBe(1)
    // Council officers report on a provider's own form, not here.
    const officer = await signedIn('officer')
    expect((await officer.get('/returns/all-locations')).statusCode).toBe(403)
  })

  it('saves nothing when one row is wrong, and says which row and field, linking to the box', async () => {
    const manager = await signedIn('manager')
    await manager.get('/returns/all-locations')
    const response = await manager.post('/returns/all-locations', {
      ...careHomeRow(ids['Ash House']!),
      ...careHomeRow(ids['Beech House']!, { bedsOccupied: 'many' }),
      // More staff absent than employed (50): the single form's rule across fields.
      ...careHomeRow(ids['Cedar House']!, { staffAbsentCovid: '45', staffAbsentOther: '10' }),
      ...careHomeRow(ids['Damson House']!),
      ...agencyRow(),
    })
    expect(response.statusCode).toBe(400)
    const $ = load(response.body)
    const summary = $('.govuk-error-summary__list a')
      .map((_, a) => ({ href: $(a).attr('href'), text: $(a).text().trim() }))
      .get()
    expect(summary).toEqual([
      {
        href: `#${siteInput(ids['Beech House']!, 'bedsOccupied')}`,
        text: 'Beech House: Beds occupied must be a whole number',
      },
      {
        href: `#${siteInput(ids['Cedar House']!, 'staffAbsentCovid')}`,
        text: 'Cedar House: Staff absent cannot be more than staff employed',
      },
    ])
    // The box the link leads to exists, shows its error and keeps what was typed.
    const box = $(`#${siteInput(ids['Beech House']!, 'bedsOccupied')}`)
    expect(box.val()).toBe('many')
    expect(box.hasClass('govuk-input--error')).toBe(true)
    expect($(`#${siteInput(ids['Ash House']!, 'bedsOccupied')}`).val()).toBe('37')
    expect(await savedToday()).toEqual([])
    expect(await auditedToday()).toBe(0)
  })

  it('saves every row with its audit record when all are right, and ignores another provider’s location', async () => {
    const manager = await signedIn('manager')
    await manager.get('/returns/all-locations')
    const response = await manager.post('/returns/all-locations', {
      ...Object.fromEntries(homes.flatMap((h) => Object.entries(careHomeRow(ids[h]!)))),
      ...agencyRow(),
      // Not one of the manager's: the service reads only the rows it shows the manager.
      ...careHomeRow(ids.notOurs!),
    })
    expect(response.statusCode).toBe(302)
    expect(response.headers.location).toBe('/returns/all-locations?sent=5')
    const saved = await savedToday()
    expect(saved.map((r) => r.locationId).sort()).toEqual([...homes.map((h) => ids[h]!), ids.agency!].sort())
    expect(saved.every((r) => r.source === 'web')).toBe(true)
    expect(saved.find((r) => r.locationId === ids.agency)!.periodStart).toBe('2020-04-13')
    const ash = saved.find((r) => r.locationId === ids['Ash House'])!
    expect(ash.periodStart).toBe(today)
    expect(ash.values).toMatchObject({
      // Typed today.
      residents: 37,
      bedsOccupied: 37,
      confirmedCasesStaff: 1,
      staffAbsentCovid: 5,
      // Carried from yesterday's return, as "nothing changed" carries them.
      ppeDaysGloves: 10,
      staffEmployed: 50,
      bedsAvailable: 40,
      suspectedCasesResidents: 0,
    })
    const agency = saved.find((r) => r.locationId === ids.agency)!
    expect(agency.values).toMatchObject({ peopleSupported: 118, hoursDelivered: 2400, visitsMissed: 0 })
    expect(await auditedToday()).toBe(5)
    const page = load((await manager.get('/returns/all-locations?sent=5')).body)
    expect(page('.govuk-notification-banner').text()).toContain('5 returns sent')
    expect(page(`tr[data-location="${ids['Ash House']}"]`).attr('data-state')).toBe('sent')
  })
  // A weekly return opens on Thursday: from Monday to Wednesday the row is last week's, as on the
  // location's own form, not this week's "not open yet".
  it('offers a weekly location last week’s return until this week’s opens, and saves it for that week', async () => {
    const db = t.database.db
    const hazel = await createLocation(db, ids.provider!, ids.council!, {
      name: 'Hazel Home Care',
      serviceType: 'home_care',
    })
    await lastReturn(hazel, 'home_care', '2020-04-06')
    t.clock.set(new Date('2020-04-20T08:00:00Z'))
    const manager = await signedIn('manager')
    const $ = load((await manager.get('/returns/all-locations')).body)
    // Elm sent the week of 13 April on Thursday; Hazel has not.
    expect($(`tr[data-location="${ids.agency}"]`).attr('data-state')).toBe('sent')
    expect($(`tr[data-location="${hazel}"]`).attr('data-state')).toBe('to-report')
    const response = await manager.post('/returns/all-locations', agencyRow(hazel!))
    expect(response.statusCode).toBe(302)
    const saved = await db
      .selectFrom('situationReturns')
      .select(['periodStart', 'timing'])
      .where('locationId', '=', hazel)
      .where('isCurrent', '=', true)
      .orderBy('periodStart')
      .execute()
    expect(saved.map((r) => r.periodStart)).toEqual(['2020-04-06', '2020-04-13'])
  })
})
