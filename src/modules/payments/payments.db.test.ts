import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { csvFile, packagesHeader, setUpPayments } from './payments.test-fixture.ts'

// Issue 22, criteria 2, 5 and 6: packages uploaded (bad rows refused by row and column, nothing saved),
// a run worked out, a line held, four eyes, approval once and for ever, an adjusting run, the payment
// date, and the provider's home page.
describe.each(engines)('payments on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpPayments(engine, ids, emails)
    // +10 % on every package of the council, from 19 March 2020; hospital discharge +20 % from 1 April.
    await t.database.db
      .insertInto('paymentSchemes')
      .values(
        [
          { name: 'Care homes +10 %', kind: 'uplift', startsOn: '2020-03-19', percentBasisPoints: 1000 },
          {
            name: 'Hospital discharge +20 %',
            kind: 'discharge_rate',
            startsOn: '2020-04-01',
            percentBasisPoints: 2000,
          },
        ].map((s) => ({
          ...s,
          councilId: ids.council!,
          endsOn: '2020-06-30',
          averageWeeks: null,
          amountPence: null,
          serviceTypes: '[]',
          contractedOnly: false,
          area: 'any',
          funder: 'any',
          createdBy: null,
          createdAt: new Date(),
        })),
      )
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
  const count = async (table: 'commissionedPackages' | 'paymentRuns' | 'paymentLines') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const upload = async (client: TestClient, lines: string[]) => {
    await client.get('/payments/imports/new')
    return client.postMultipart(
      '/payments/imports/new',
      { kind: 'packages' },
      {
        field: 'file',
        fileName: 'packages.csv',
        content: csvFile(lines),
      },
    )
  }

  it('refuses a file with bad rows, naming each row and column, and saves nothing', async () => {
    const finance = await signedIn('finance')
    const sent = await upload(finance, [
      packagesHeader,
      `B-1,${ids.locationCqc},Council,12,-650.00,,,2020-01-01,,Yes,No`,
      `B-2,${ids.locationCqc},Council,2,650.00,,,2020-05-01,2020-04-01,Yes,No`,
      `B-3,1-000000000,Council,2,650.00,,,2020-01-01,,Yes,No`,
      `B-4,${ids.locationCqc},Council,2,six hundred,,,2020-01-01,,Yes,No`,
    ])
    expect(sent.statusCode).toBe(302)
    const preview = await finance.get(sent.headers.location!)
    const $ = load(preview.body)
    const problems = $('#problems .govuk-summary-list__row')
      .map((_, row) => `${$(row).find('dt').text().trim()}: ${$(row).find('dd').text().trim()}`)
      .get()
    expect(problems).toEqual([
      'Row 2, column E (Weekly rate): Weekly rate must be more than £0',
      'Row 3, column I (End date): End date must be the same as or after the start date',
      'Row 4, column B (CQC location ID): No provider in your area has a location with the CQC ID 1-000000000',
      'Row 5, column E (Weekly rate): Weekly rate must be an amount of money, like 650.00',
    ])
    expect(preview.body).not.toContain('Save ')
    const confirm = await finance.post(`${sent.headers.location!}/confirm`, {})
    expect(confirm.statusCode).toBe(400)
    expect(await count('commissionedPackages')).toBe(0)
    // The form names the field, and saves nothing either.
    await finance.get('/payments/packages/new')
    const bad = await finance.post('/payments/packages/new', {
      reference: 'F-1',
      cqcLocationId: ids.locationCqc!,
      funder: 'council',
      beds: '3',
      weeklyRate: '£12.345',
      startsOn: '2020-04-01',
      endsOn: '2020-03-01',
      action: 'save',
    })
    expect(bad.statusCode).toBe(400)
    expect(
      load(bad.body)('.govuk-error-summary a')
        .map((_, a) => load(bad.body)(a).text().trim())
        .get(),
    ).toEqual([
      'Weekly rate must be an amount of money, like 650.00',
      'End date must be the same as or after the start date',
    ])
    expect(await count('commissionedPackages')).toBe(0)
  })

  it('saves a clean upload once, after its preview', async () => {
    const finance = await signedIn('finance')
    const sent = await upload(finance, [
      packagesHeader,
      `A-1,${ids.locationCqc},Council,12,650.00,,,2020-01-01,,Yes,No`,
      `A-2,${ids.otherLocationCqc},NHS continuing healthcare,1,300,,,2020-01-01,,,Yes`,
    ])
    const preview = await finance.get(sent.headers.location!)
    expect(preview.body).toContain('2 rows are ready to save')
    expect(await count('commissionedPackages')).toBe(0)
    const saved = await finance.post(`${sent.headers.location!}/confirm`, {})
    expect(saved.statusCode).toBe(302)
    expect(await count('commissionedPackages')).toBe(2)
    const again = await finance.post(`${sent.headers.location!}/confirm`, {})
    expect(again.statusCode).toBe(400)
    expect(await count('commissionedPackages')).toBe(2)
  })

  it('works out a run, holds a line, and lets only a second officer approve it, once', async () => {
    const finance = await signedIn('finance')
    await finance.get('/payments/runs/new')
    const made = await finance.post('/payments/runs/new', {
      'fromDate-day': '1',
      'fromDate-month': '3',
      'fromDate-year': '2020',
      'toDate-day': '31',
      'toDate-month': '3',
      'toDate-year': '2020',
    })
    expect(made.statusCode).toBe(302)
    const runUrl = made.headers.location!
    const runId = runUrl.split('/').pop()!
    const page = await finance.get(runUrl)
    // 12 × £650 × 10 % × 13 / 7 = £1,448.57; 1 × £300 × 10 % × 13 / 7 = £55.71.
    expect(page.body).toContain('12 beds × £650.00 a week × 10 % × 13 days / 7 = £1,448.57')
    expect(page.body).toContain('1 bed × £300.00 a week × 10 % × 13 days / 7 = £55.71')
    expect(page.body).toContain('another finance officer must approve it')
    // A second run over the same days is refused.
    const overlap = await finance.post('/payments/runs/new', {
      'fromDate-day': '15',
      'fromDate-month': '3',
      'fromDate-year': '2020',
      'toDate-day': '20',
      'toDate-month': '3',
      'toDate-year': '2020',
    })
    expect(overlap.statusCode).toBe(400)
    expect(overlap.body).toContain('already pays')

    const lines = await t.database.db
      .selectFrom('paymentLines')
      .where('runId', '=', runId)
      .select(['id', 'providerId', 'amountPence'])
      .execute()
    const cedar = lines.find((l) => l.providerId === ids.otherProvider)!
    await finance.get(`/payments/lines/${cedar.id}`)
    const noReason = await finance.post(`/payments/lines/${cedar.id}/hold`, { reason: ' ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Enter why the line is held')
    const held = await finance.post(`/payments/lines/${cedar.id}/hold`, { reason: 'Home closed for a week' })
    expect(held.statusCode).toBe(302)

    // Four eyes: the preparer may not approve, even by posting.
    const own = await finance.post(`/payments/runs/${runId}/approve`, {})
    expect(own.statusCode).toBe(400)
    expect(own.body).toContain('You prepared this run: another finance officer must approve it')
    // Another council's officer does not find the run at all.
    const stranger = await signedIn('otherFinance')
    expect((await stranger.get(runUrl)).statusCode).toBe(404)
    expect((await stranger.post(`/payments/runs/${runId}/approve`, {})).statusCode).toBe(404)

    const second = await signedIn('finance2')
    const check = await second.get(`/payments/runs/${runId}/approve`)
    expect(check.statusCode).toBe(200)
    expect(check.body).toContain('£1,448.57')
    expect((await second.post(`/payments/runs/${runId}/approve`, {})).statusCode).toBe(302)
    const twice = await second.post(`/payments/runs/${runId}/approve`, {})
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('This run has already been approved')
    const run = await t.database.db
      .selectFrom('paymentRuns')
      .where('id', '=', runId)
      .selectAll()
      .executeTakeFirstOrThrow()
    expect([run.status, run.approvedBy, Number(run.totalPence), Number(run.heldPence)]).toEqual([
      'approved',
      ids.finance2,
      144_857,
      5_571,
    ])
    // Approved means unchangeable: no hold, and the database keeps four eyes too.
    const birch = lines.find((l) => l.providerId === ids.provider)!
    const late = await finance.post(`/payments/lines/${birch.id}/hold`, { reason: 'Too late' })
    expect(late.statusCode).toBe(400)
    expect(late.body).toContain('cannot be changed')
    await expect(
      t.database.db
        .updateTable('paymentRuns')
        .set({ approvedBy: ids.finance! })
        .where('id', '=', runId)
        .execute(),
    ).rejects.toThrow()

    // The payment date, then the provider's home page says what, when and why.
    const paid = await finance.post(`/payments/runs/${runId}/paid`, {
      'paidDate-day': '14',
      'paidDate-month': '4',
      'paidDate-year': '2020',
    })
    expect(paid.statusCode).toBe(302)
    const manager = await signedIn('manager')
    const home = load((await manager.get('/')).body)
    expect(home('h2:contains("Payments to you")').length).toBe(1)
    expect(home.text()).toContain('£1,448.57 paid on 14 April 2020')
    expect(home.text()).toContain('12 beds × £650.00 a week × 10 % × 13 days / 7')
    // The held line is not paid, and another provider never sees Birch's payments.
    const other = load((await (await signedIn('otherManager')).get('/')).body)
    expect(other.text()).not.toContain('Payments to you')
    ids.run = runId
    ids.birchLine = birch.id
  })

  it('corrects an approved line with an adjusting run, both kept in the history', async () => {
    const finance = await signedIn('finance')
    await finance.get(`/payments/lines/${ids.birchLine}`)
    const notMoney = await finance.post(`/payments/lines/${ids.birchLine}/correct`, {
      amount: 'lots',
      reason: 'x',
    })
    expect(notMoney.statusCode).toBe(400)
    expect(notMoney.body).toContain('The amount must be an amount of money, like 1250.00')
    const runsBefore = await count('paymentRuns')
    expect(runsBefore).toBe(1)
    const fixed = await finance.post(`/payments/lines/${ids.birchLine}/correct`, {
      amount: '1500.00',
      reason: 'Two more beds were commissioned from 19 March',
    })
    expect(fixed.statusCode).toBe(302)
    const adjusting = await t.database.db
      .selectFrom('paymentRuns')
      .where('kind', '=', 'adjusting')
      .selectAll()
      .executeTakeFirstOrThrow()
    expect([adjusting.adjustsRunId, adjusting.status, Number(adjusting.totalPence)]).toEqual([
      ids.run,
      'prepared',
      5_143,
    ])
    const original = await t.database.db
      .selectFrom('paymentLines')
      .where('id', '=', ids.birchLine!)
      .selectAll()
      .executeTakeFirstOrThrow()
    expect(Number(original.amountPence)).toBe(144_857)
    const line = await finance.get(`/payments/lines/${ids.birchLine}`)
    expect(line.body).toContain('paid £1,448.57, should have paid £1,500.00')
    // The adjusting run needs its own second pair of eyes.
    expect((await finance.post(`/payments/runs/${adjusting.id}/approve`, {})).statusCode).toBe(400)
    expect(
      (await (await signedIn('finance2')).post(`/payments/runs/${adjusting.id}/approve`, {})).statusCode,
    ).toBe(302)
    const list = await finance.get('/payments')
    expect(list.body).toContain('PR-0001')
    expect(list.body).toContain('PR-0002')
  })

  it('exports a run as CSV and Excel, and keeps payments from officers who may only read', async () => {
    const officer = await signedIn('officer')
    const csv = await officer.get(`/payments/runs/${ids.run}/export.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.body).toContain('Birch Care Ltd')
    expect(csv.body).toContain('1448.57')
    const xlsx = await officer.get(`/payments/runs/${ids.run}/export.xlsx`)
    expect(xlsx.statusCode).toBe(200)
    expect((await officer.get('/payments/runs/new')).statusCode).toBe(403)
    expect((await (await signedIn('manager')).get('/payments')).statusCode).toBe(403)
  })

  it('uploads home care hours delivered each week, the same way', async () => {
    const finance = await signedIn('finance')
    // Home care hours, then the hours delivered each week, uploaded the same way.
    const hours = await upload(finance, [
      packagesHeader,
      `H-1,${ids.locationCqc},Council,,,18.50,37.5,2020-03-02,,Yes,No`,
    ])
    expect((await finance.post(`${hours.headers.location!}/confirm`, {})).statusCode).toBe(302)
    await finance.get('/payments/imports/new?kind=delivered_hours')
    const delivered = (lines: string[]) =>
      finance.postMultipart(
        '/payments/imports/new',
        { kind: 'delivered_hours' },
        { field: 'file', fileName: 'hours.csv', content: csvFile(lines) },
      )
    const bad = await delivered([
      'Reference,Week starting,Hours delivered',
      'A-1,2020-03-02,30',
      'H-1,2020-03-09,-2',
    ])
    const badPreview = load((await finance.get(bad.headers.location!)).body)
    expect(
      badPreview('#problems dt')
        .map((_, dt) => badPreview(dt).text().trim())
        .get(),
    ).toEqual(['Row 2, column A (Reference)', 'Row 3, column C (Hours delivered)'])
    const good = await delivered([
      'Reference,Week starting,Hours delivered',
      'H-1,2020-03-02,37.5',
      'H-1,09/03/2020,30',
    ])
    expect((await finance.post(`${good.headers.location!}/confirm`, {})).statusCode).toBe(302)
    const weeks = await t.database.db
      .selectFrom('deliveredHours')
      .select(['weekStarting', 'hoursHundredths'])
      .orderBy('weekStarting')
      .execute()
    expect(weeks).toEqual([
      { weekStarting: '2020-03-02', hoursHundredths: 3750 },
      { weekStarting: '2020-03-09', hoursHundredths: 3000 },
    ])

    // Void beds, a list of them, the same way.
    const voids = (lines: string[]) =>
      finance.postMultipart(
        '/payments/imports/new',
        { kind: 'void_beds' },
        { field: 'file', fileName: 'voids.csv', content: csvFile(lines) },
      )
    const wrong = await voids([
      'Reference,Void beds,From,To',
      'H-1,2,2020-04-06,2020-04-15',
      'A-1,2,2020-04-16,2020-04-06',
    ])
    const wrongPreview = load((await finance.get(wrong.headers.location!)).body)
    expect(
      wrongPreview('#problems dd')
        .map((_, dd) => wrongPreview(dd).text().trim())
        .get(),
    ).toEqual(['No package of beds has the reference H-1', 'To must be the same as or after From'])
    const right = await voids(['Reference,Void beds,From,To', 'A-1,2,2020-04-06,2020-04-15'])
    expect((await finance.post(`${right.headers.location!}/confirm`, {})).statusCode).toBe(302)
    const saved = await t.database.db.selectFrom('voidBeds').select(['beds', 'startsOn', 'endsOn']).execute()
    expect(saved).toEqual([{ beds: 2, startsOn: '2020-04-06', endsOn: '2020-04-15' }])
  })
})
