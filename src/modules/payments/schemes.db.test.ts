import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { setUpPayments } from './payments.test-fixture.ts'

// Issue 22: a finance officer adds a payment scheme on the web (bad input named by field, nothing
// saved; check your answers; audited; no one else may), and a void-bed scheme paid from the returns'
// occupancy, week by week from each week's latest return, to the penny (criteria 1 and 6).
describe.each(engines)('payment schemes on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpPayments(engine, ids, emails)
    const db = t.database.db
    // 12 commissioned beds at £650.00 a week at Birch House (contracted, in the area).
    await db
      .insertInto('commissionedPackages')
      .values({
        councilId: ids.council!,
        providerId: ids.provider!,
        locationId: ids.location!,
        reference: 'A-1',
        serviceType: 'care_home_residential',
        funder: 'council',
        beds: 12,
        weeklyRatePence: 65_000,
        hourlyRatePence: null,
        plannedHoursHundredths: null,
        startsOn: '2020-01-01',
        endsOn: null,
        inArea: true,
        dischargePathway: false,
        createdBy: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .execute()
    // Birch House's returns: the latest current one of each week counts.
    const ret = (
      periodStart: string,
      available: number,
      occupied: number,
      version = 1,
      isCurrent = true,
    ) => ({
      locationId: ids.location!,
      frequency: 'daily',
      periodStart,
      version,
      isCurrent,
      datasetVersion: 1,
      values: JSON.stringify({ bedsAvailable: available, bedsOccupied: occupied }),
      nilReturn: false,
      nothingChanged: false,
      source: 'web' as const,
      timing: 'on_time',
      submittedBy: null,
      submittedAt: new Date(),
      amendmentReason: null,
    })
    await db
      .insertInto('situationReturns')
      .values([
        ret('2020-03-31', 40, 30), // week from 30 March: 10 vacant
        ret('2020-04-06', 40, 35), // week from 6 April: an earlier return of the week, 5 vacant
        ret('2020-04-09', 40, 30, 1, false), // superseded by version 2
        ret('2020-04-09', 40, 37, 2), // the week's latest: 3 vacant
        ret('2020-04-14', 40, 40), // week from 13 April: none vacant
      ])
      .execute()
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const schemeCount = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('paymentSchemes')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const dates = (from: [string, string, string], to: [string, string, string]) => ({
    'startsDate-day': from[0],
    'startsDate-month': from[1],
    'startsDate-year': from[2],
    'endsDate-day': to[0],
    'endsDate-month': to[1],
    'endsDate-year': to[2],
  })
  const eligibility = { contractedOnly: 'yes', area: 'any', funder: 'council' }

  it('lets only a finance officer add a scheme, names each bad field, and saves nothing then', async () => {
    for (const who of ['officer', 'manager']) {
      const client = await signedIn(who)
      expect((await client.get('/payments/schemes/new')).statusCode).toBe(403)
      await client.get('/payments')
      const posted = await client.post('/payments/schemes/new', {
        name: 'Not mine',
        kind: 'one_off',
        amount: '500',
        ...dates(['1', '4', '2020'], ['30', '4', '2020']),
        ...eligibility,
        action: 'save',
      })
      expect(posted.statusCode).toBe(403)
    }
    const finance = await signedIn('finance')
    const list = load((await finance.get('/payments/schemes')).body)
    expect(list('a[href="/payments/schemes/new"]').text()).toContain('Add a payment scheme')
    expect((await finance.get('/payments/schemes/new')).statusCode).toBe(200)
    const bad = await finance.post('/payments/schemes/new', {
      name: 'Care homes +10 %',
      kind: 'uplift',
      percent: 'ten',
      ...dates(['30', '6', '2020'], ['19', '3', '2020']),
      ...eligibility,
      action: 'save',
    })
    expect(bad.statusCode).toBe(400)
    const page = load(bad.body)
    const summary = page('.govuk-error-summary a')
      .map((_, a) => `${page(a).attr('href')} ${page(a).text().trim()}`)
      .get()
    expect(summary).toEqual([
      '#percent The uplift must be a number, like 10 or 6.5',
      '#endsDate-day The last day of the scheme must be the same as or after the first day',
    ])
    expect(page('#percent-error').text()).toContain('The uplift must be a number')
    expect(page('#percent').val()).toBe('ten')
    const unknown = await finance.post('/payments/schemes/new', {
      name: '',
      kind: 'bonus',
      ...dates(['31', '2', '2020'], ['', '', '']),
      contractedOnly: '',
      area: 'nowhere',
      funder: 'council',
      action: 'check',
    })
    expect(unknown.statusCode).toBe(400)
    for (const message of [
      'Enter the name of the scheme',
      'Select the kind of scheme',
      'The first day of the scheme must be a real date',
      'Enter the last day of the scheme',
      'Select whether only providers the council contracts with are paid',
      'Select whether the scheme pays packages in or out of the area',
    ])
      expect(unknown.body).toContain(message)
    expect(await schemeCount()).toBe(0)
    const audits = await t.database.db
      .selectFrom('auditEvents')
      .where('action', '=', 'payment-scheme-added')
      .select('id')
      .execute()
    expect(audits).toEqual([])
  })

  it('checks the answers, then saves the scheme with its audit record', async () => {
    const finance = await signedIn('finance')
    await finance.get('/payments/schemes/new')
    const form = {
      name: 'Void beds from the returns',
      kind: 'void_beds',
      voidBedsFrom: 'returns',
      ...dates(['1', '4', '2020'], ['30', '4', '2020']),
      ...eligibility,
    }
    const check = await finance.post('/payments/schemes/new', { ...form, action: 'check' })
    expect(check.statusCode).toBe(200)
    const answers = load(check.body)
    expect(answers('h1').text()).toBe('Check the scheme before saving it')
    expect(answers('.govuk-summary-list').text()).toContain('1 April 2020 to 30 April 2020')
    expect(answers('.govuk-summary-list').text()).toContain('from its latest return each week')
    expect(await schemeCount()).toBe(0)
    const saved = await finance.post('/payments/schemes/new', { ...form, action: 'save' })
    expect(saved.statusCode).toBe(302)
    expect(saved.headers.location).toBe('/payments/schemes')
    const row = await t.database.db
      .selectFrom('paymentSchemes')
      .select(['name', 'kind', 'startsOn', 'endsOn', 'voidBedsFrom', 'contractedOnly', 'area', 'funder'])
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      name: 'Void beds from the returns',
      kind: 'void_beds',
      startsOn: '2020-04-01',
      endsOn: '2020-04-30',
      voidBedsFrom: 'returns',
      contractedOnly: true,
      area: 'any',
      funder: 'council',
    })
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .where('action', '=', 'payment-scheme-added')
      .select(['actorUserId'])
      .execute()
    expect(audit).toEqual([{ actorUserId: ids.finance }])
    expect((await finance.get('/payments/schemes')).body).toContain('from the returns’ vacant beds')
  })

  it('pays void beds from each week’s latest return, and says so on the line', async () => {
    const finance = await signedIn('finance')
    await finance.get('/payments/runs/new')
    const run = await finance.post('/payments/runs/new', {
      'fromDate-day': '1',
      'fromDate-month': '4',
      'fromDate-year': '2020',
      'toDate-day': '19',
      'toDate-month': '4',
      'toDate-year': '2020',
    })
    expect(run.statusCode).toBe(302)
    const lines = await t.database.db
      .selectFrom('paymentLines')
      .select(['amountPence', 'explanation'])
      .execute()
    // By hand: 10 beds × £650 × 5 days (1–5 April) / 7 + 3 beds × £650 × 7 days / 7; none the week
    // after = (3,250,000 + 1,365,000) / 7 = 659,285.71 pence → £6,592.86.
    expect(lines.map((l) => ({ ...l, amountPence: Number(l.amountPence) }))).toEqual([
      {
        amountPence: 659_286,
        explanation:
          'week from 30 March 2020 (return of 31 March 2020: 30 of 40 usable beds occupied, 10 vacant): 10 void beds × £650.00 a week × 5 days / 7 + week from 6 April 2020 (return of 9 April 2020: 37 of 40 usable beds occupied, 3 vacant): 3 void beds × £650.00 a week × 7 days / 7 = £6,592.86',
      },
    ])
  })
})
