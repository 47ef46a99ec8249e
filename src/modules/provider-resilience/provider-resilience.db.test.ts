import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

const errorsOf = (body: string) => {
  const $ = load(body)
  return $('.govuk-error-summary__list a')
    .map((_, a) => $(a).text().trim())
    .get()
}

// The clock: Tuesday 14 April 2020, 09:00 in London (the day's care-home return is open).
describe.each(engines)('providers at risk and protection plans on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Northmoor Resilience Council', {
      onsCode: 'E10000091',
    })
    ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Resilience Council', {
      onsCode: 'E10000092',
    })
    ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Resilience CCG')
    await linkPartner(db, ids.ccg, ids.council)
    ids.provider = await createProvider(db, 'Oak Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Oak Care Ltd', { providerId: ids.provider })
    ids.home = await createLocation(db, ids.provider, ids.council, { name: 'Oak House' })
    ids.quiet = await createLocation(db, ids.provider, ids.council, { name: 'Quiet Lodge' })
    for (const [key, org, role] of [
      ['officer', ids.council, 'council_officer'],
      ['partner', ids.ccg, 'partner_officer'],
      ['manager', ids.providerOrg, 'provider_manager'],
      ['otherOfficer', ids.otherCouncil, 'council_officer'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
    const opened = await db
      .insertInto('cases')
      .values({
        locationId: ids.home,
        status: 'open',
        owningOrganisationId: ids.council,
        ownerUserId: ids.officer!,
        openedAt: new Date('2020-04-10T09:00:00Z'),
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        updatedAt: new Date('2020-04-10T09:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.case = opened.id
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const resilienceForm = (extra: Record<string, string> = {}) => ({
    planReference: 'BCP-OAK-2020',
    'planReviewedDate-day': '1',
    'planReviewedDate-month': '4',
    'planReviewedDate-year': '2020',
    'planReviewDueDate-day': '1',
    'planReviewDueDate-month': '10',
    'planReviewDueDate-year': '2020',
    planGaps: 'No cover for the night manager\n',
    fundedByCouncil: '20',
    fundedByNhs: '4',
    selfFunded: '7',
    directPayments: '0',
    contingencyProvider: 'Birch Care Ltd',
    financialConcern: '',
    ...extra,
  })

  it('lists a location with a continuity gap and a staffing shortfall, with both reasons and its self-funders', async () => {
    // The home's return: 10 of its 50 staff absent.
    const manager = await signedIn('manager')
    await manager.get(`/locations/${ids.home}/returns/new`)
    const sent = await manager.post(`/locations/${ids.home}/returns/check`, {
      ...fullReturn,
      periodStart: '2020-04-14',
      action: 'submit',
    })
    expect(sent.statusCode).toBe(302)

    const officer = await signedIn('officer')
    expect((await officer.get(`/locations/${ids.home}/resilience`)).statusCode).toBe(200)
    const saved = await officer.post(`/locations/${ids.home}/resilience`, resilienceForm())
    expect(saved.statusCode).toBe(303)
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'councilId'])
      .where('action', '=', 'location-resilience-recorded')
      .execute()
    expect(audit).toEqual([{ actorUserId: ids.officer, councilId: ids.council }])

    const page = await officer.get('/providers-at-risk')
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    const card = $('.govuk-summary-card:contains("Oak House")')
    expect(card.length).toBe(1)
    const reasons = card
      .find('li')
      .map((_, li) => $(li).text().trim())
      .get()
    expect(reasons).toContain('Staffing shortfall: 10 of 50 staff absent (20%)')
    expect(reasons).toContain('Continuity plan gaps: No cover for the night manager')
    expect(card.find('.govuk-summary-list__row:contains("Self-funded people") dd').text().trim()).toBe('7')
    expect($('main').text()).not.toContain('Quiet Lodge')
    // Partners read the list; providers do not.
    expect((await (await signedIn('partner')).get('/providers-at-risk')).statusCode).toBe(200)
    expect((await manager.get('/providers-at-risk')).statusCode).toBe(404)
    // The location's page shows what was recorded.
    expect(load((await officer.get(`/locations/${ids.home}`)).body)('#resilience').length).toBe(1)
  })

  it('refuses bad continuity figures, naming the field, and changes nothing', async () => {
    const officer = await signedIn('officer')
    await officer.get(`/locations/${ids.home}/resilience`)
    const bad = await officer.post(
      `/locations/${ids.home}/resilience`,
      resilienceForm({ selfFunded: '7.5', 'planReviewDueDate-month': '13' }),
    )
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'The date of the next review must be a real date',
      'Self-funded people must be a whole number, like 12',
    ])
    const row = await t.database.db
      .selectFrom('locationResilience')
      .select(['selfFunded', 'planReviewDue'])
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ selfFunded: 7, planReviewDue: '2020-10-01' })
    expect((await (await signedIn('otherOfficer')).get(`/locations/${ids.home}/resilience`)).statusCode).toBe(
      404,
    )
  })

  it('opens a protection plan from the case, shows it on the case and the location, and closes it with a review', async () => {
    const officer = await signedIn('officer')
    const casePage = load((await officer.get(`/cases/${ids.case}`)).body)
    const openLink = casePage('a:contains("Open a protection plan")').attr('href')!
    expect(openLink).toBe(`/protection-plans/new?caseId=${ids.case}`)
    await officer.get(openLink)
    const bad = await officer.post('/protection-plans/new', { caseId: ids.case!, measures: 'Weekly visits' })
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'Enter the indicators that show quality falling',
      'Enter who monitors the plan',
      'Enter the date of the first review',
    ])
    expect(await t.database.db.selectFrom('protectionPlans').select('id').execute()).toEqual([])
    const opened = await officer.post('/protection-plans/new', {
      caseId: ids.case!,
      triggeringIndicators: 'Two safeguarding alerts; missed medication',
      measures: 'Weekly visits by the quality team',
      monitoredBy: 'North Resilience CCG quality lead',
      'nextReviewDate-day': '21',
      'nextReviewDate-month': '4',
      'nextReviewDate-year': '2020',
    })
    expect(opened.statusCode).toBe(303)
    const planUrl = opened.headers.location!.replace(/\?.*$/, '')
    for (const url of [`/cases/${ids.case}`, `/locations/${ids.home}`]) {
      const text = load((await officer.get(url)).body)('#protection-plans')
        .parent()
        .text()
      expect(text, url).toContain('Protection plan opened 14 April 2020')
    }
    // The partner working the case sees it; the provider and another council do not.
    const partner = await signedIn('partner')
    expect((await partner.get(planUrl)).statusCode).toBe(200)
    expect(load((await partner.get(`/cases/${ids.case}`)).body)('main').text()).toContain(
      'Protection plan opened',
    )
    expect((await (await signedIn('manager')).get(planUrl)).statusCode).toBe(404)
    expect((await (await signedIn('otherOfficer')).get(planUrl)).statusCode).toBe(404)

    // Closing: the closing review, checked, then confirmed.
    await officer.get(`${planUrl}/close`)
    const noFindings = await officer.post(`${planUrl}/close`, {
      'reviewedDate-day': '14',
      'reviewedDate-month': '4',
      'reviewedDate-year': '2020',
      findings: '',
    })
    expect(errorsOf(noFindings.body)).toEqual(['Enter why the plan can close'])
    const closing = {
      'reviewedDate-day': '14',
      'reviewedDate-month': '4',
      'reviewedDate-year': '2020',
      findings: 'Alerts stopped; medication audit clean',
    }
    const check = await officer.post(`${planUrl}/close`, closing)
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('h1').text()).toBe('Check the closing review')
    expect(
      (await t.database.db.selectFrom('protectionPlans').select('status').executeTakeFirstOrThrow()).status,
    ).toBe('open')
    const closed = await officer.post(`${planUrl}/close`, { ...closing, confirm: 'yes' })
    expect(closed.statusCode).toBe(303)
    const plan = await t.database.db
      .selectFrom('protectionPlans')
      .select(['status', 'closedBy'])
      .executeTakeFirstOrThrow()
    expect(plan).toEqual({ status: 'closed', closedBy: ids.officer })
    const reviews = await t.database.db
      .selectFrom('protectionPlanReviews')
      .select(['closesPlan', 'findings', 'reviewedOn'])
      .execute()
    expect(reviews).toEqual([
      { closesPlan: true, findings: 'Alerts stopped; medication audit clean', reviewedOn: '2020-04-14' },
    ])
    expect(load((await officer.get(planUrl)).body)('main').text()).toContain('Closing review, 14 April 2020')
  })
})
