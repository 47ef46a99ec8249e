import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { pounds } from './domain/money.ts'
import { setUpPayments } from './payments.test-fixture.ts'
import { transparencyColumns } from './support-return.files.ts'

// Issue 22, criteria 3 and 4: the provider-support return's figures are the sums of the recorded
// payments in its categories, as at a date, on the page, in the DOCX and in the CSV; the Transparency
// Code file lists only payments over £500, in the code's columns.
describe.each(engines)('the provider-support return on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  // Payments as the ledger holds them: approved runs, some lines paid on a day, one held, one unpaid.
  beforeAll(async () => {
    t = await setUpPayments(engine, ids, emails)
    const db = t.database.db
    const homeCare = await db
      .insertInto('locations')
      .values({
        providerId: ids.provider!,
        councilId: ids.council!,
        cqcLocationId: '1-555000111',
        odsCode: null,
        name: 'Birch Homecare',
        addressLine1: '1 Road',
        addressLine2: null,
        town: 'Town',
        postcode: 'TE1 1ST',
        localAuthorityName: null,
        area: null,
        serviceType: 'home_care',
        registeredBeds: null,
        peopleSupported: 40,
        cqcRating: null,
        cqcRatingDate: null,
        registrationStart: null,
        registrationEnd: null,
        bcpReviewedOn: null,
        nhsmail: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const run = async (reference: string, status: 'approved' | 'prepared') =>
      (
        await db
          .insertInto('paymentRuns')
          .values({
            councilId: ids.council!,
            reference,
            kind: 'standard',
            adjustsRunId: null,
            periodStart: '2020-03-19',
            periodEnd: '2020-03-31',
            status,
            preparedBy: ids.finance!,
            preparedAt: new Date(),
            approvedBy: status === 'approved' ? ids.finance2! : null,
            approvedAt: status === 'approved' ? new Date() : null,
            totalPence: 0,
            heldPence: 0,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const approved = await run('PR-0001', 'approved')
    const later = await run('PR-0002', 'approved')
    const waiting = await run('PR-0003', 'prepared')
    const line = (
      runId: string,
      providerId: string,
      serviceType: string,
      contracted: boolean,
      amountPence: number,
      paidOn: string | null,
      extra: { held?: boolean; locationId?: string } = {},
    ) => ({
      runId,
      providerId,
      locationId: extra.locationId ?? null,
      packageId: null,
      schemeId: null,
      correctsLineId: null,
      serviceType,
      contracted,
      amountPence,
      explanation: 'test',
      held: extra.held ?? false,
      holdReason: extra.held ? 'query' : null,
      paidOn,
    })
    await db
      .insertInto('paymentLines')
      .values([
        // Contracted residential: £1,448.57 + £300.00; contracted domiciliary: £250.00.
        line(approved, ids.provider!, 'care_home_residential', true, 144_857, '2020-04-07', {
          locationId: ids.location,
        }),
        line(approved, ids.provider!, 'care_home_nursing', true, 30_000, '2020-04-07'),
        line(approved, ids.provider!, 'home_care', true, 25_000, '2020-04-07', { locationId: homeCare.id }),
        // Not contracted, other provision: £40.00.
        line(approved, ids.otherProvider!, 'supported_living', false, 4_000, '2020-04-07'),
        // Not spent as at 9 June: held, paid later, or in a run not approved.
        line(approved, ids.otherProvider!, 'care_home_residential', false, 99_999, null, { held: true }),
        line(later, ids.otherProvider!, 'care_home_residential', false, 70_000, '2020-06-20'),
        line(waiting, ids.provider!, 'care_home_residential', true, 88_888, null),
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

  it('sums the recorded payments by category as at the chosen date, on the page', async () => {
    const built = await t.services.supportReturn.build(
      await actorFor(t.database.db, ids.officer!),
      '2020-06-09',
    )
    expect(built!.contracted.byCategory).toEqual({ domiciliary: 25_000, residential: 174_857, other: 0 })
    expect(built!.contracted.totalPence).toBe(199_857)
    expect(built!.notContracted.byCategory).toEqual({ domiciliary: 0, residential: 0, other: 4_000 })
    // PPE comes from the PPE capability's ledger (none given free here): a recorded zero.
    const ppeLedger = await t.services.ppeSupply.valueIssuedInCouncil(
      ids.council!,
      '2000-01-01',
      '2020-06-09',
    )
    expect(built!.ppe).toEqual({ pence: ppeLedger.freePence, recorded: true })
    // Later, June's payment has reached the provider too.
    const later = await t.services.supportReturn.build(
      await actorFor(t.database.db, ids.officer!),
      '2020-06-30',
    )
    expect(later!.notContracted.totalPence).toBe(74_000)

    const officer = await signedIn('officer')
    const page = load((await officer.get('/payments/provider-support?asAt=2020-06-09')).body)
    const figure = (name: string) => page(`[data-figure="${name}"]`).first().text().trim()
    expect(figure('contracted-total')).toBe('£1,998.57')
    expect(figure('contracted-residential')).toContain('£1,748.57')
    expect(figure('not-contracted-total')).toBe('£40.00')
    expect(figure('ppe')).toBe('£0.00')
    expect(page.text()).not.toContain('(not recorded here)')
    // Every figure links to the payments it sums.
    const href = page('[data-figure="contracted-residential"]').attr('href')!
    const behind = load((await officer.get(href)).body)
    expect(behind.text()).toContain('£1,748.57 in 2 lines')
  })

  // Found by fuzzing (issue 26): a date given twice was read as text and answered 500.
  it('reads a date given twice in the address as today, not a failure', async () => {
    const officer = await signedIn('officer')
    for (const path of ['/payments/provider-support', '/payments/provider-support/payments']) {
      const response = await officer.get(`${path}?asAt=2020-06-09&asAt=&category=residential&category=x`)
      expect(response.statusCode, path).toBe(200)
    }
  })

  it('gives the same figures in the DOCX and the CSV', async () => {
    const officer = await signedIn('officer')
    const docx = await officer.get('/payments/provider-support.docx?asAt=2020-06-09')
    expect(docx.statusCode).toBe(200)
    const zip = await JSZip.loadAsync(docx.rawPayload)
    const xml = await zip.file('word/document.xml')!.async('string')
    const text = xml.replace(/<[^>]+>/g, ' ')
    for (const figure of ['£1,998.57', '£1,748.57', '£250.00', '£40.00', '9 June 2020'])
      expect(text).toContain(figure)
    expect(text).not.toContain('£888.88')

    const csv = await officer.get('/payments/provider-support.csv?asAt=2020-06-09')
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[]
    const spent = (who: string, type: string) =>
      rows.find((r) => r.Providers === who && r['Service type'] === type)!['Spent (£)']
    expect(spent('Contracted', 'Residential care')).toBe('1748.57')
    expect(spent('Contracted', 'Domiciliary care')).toBe('250.00')
    expect(spent('Contracted', 'All')).toBe('1998.57')
    expect(spent('Not contracted', 'Other provision')).toBe('40.00')
    expect(spent('All', 'All')).toBe('0.00')
  })

  it('keeps the figures but lets a finance officer change the words', async () => {
    const finance = await signedIn('finance')
    const form = load((await finance.get('/payments/provider-support/wording')).body)
    const fields: Record<string, string> = {}
    form('textarea').each((_, el) => {
      fields[form(el).attr('name')!] = form(el).text()
    })
    const blank = await finance.post('/payments/provider-support/wording', {
      ...fields,
      'contracted-residential': '',
    })
    expect(blank.statusCode).toBe(400)
    const saved = await finance.post('/payments/provider-support/wording', {
      ...fields,
      'contracted-residential': 'Ten per cent on base rates for our commissioned beds',
    })
    expect(saved.statusCode).toBe(302)
    const page = await finance.get('/payments/provider-support?asAt=2020-06-09')
    expect(page.body).toContain('Ten per cent on base rates for our commissioned beds')
    expect(page.body).toContain('£1,998.57')
  })

  it('writes the Transparency Code file: its columns, and only payments over £500', async () => {
    const officer = await signedIn('officer')
    const csv = await officer.get('/payments/transparency.csv')
    expect(csv.statusCode).toBe(200)
    const [header, ...rows] = parse(csv.body) as string[][]
    expect(header).toEqual([...transparencyColumns])
    // Birch's £1,998.57 paid on 7 April (one payment of three lines) and Cedar's £700.00 on 20 June;
    // Cedar's £40.00 is under £500, the held line was not paid, PR-0003 is not approved.
    expect(rows.map((r) => [r[0], r[2], r[4]])).toEqual([
      ['2020-04-07', 'Birch Care Ltd', '1998.57'],
      ['2020-06-20', 'Cedar Homes Ltd', '700.00'],
    ])
    expect(rows.every((r) => Number(r[4]) > 500)).toBe(true)
  })
  // Last: it moves the clock. The return goes through publishing's workflow: a draft, the providers it
  // names check what they were paid, sign-off, then a published version with the ledger's figures.
  it('is published through the publishing workflow with the same figures', async () => {
    let officer = await signedIn('officer')
    await officer.get('/publications')
    const started = await officer.post('/publications/new', { kind: 'provider-support-return' })
    expect(started.statusCode).toBe(302)
    const versionPath = started.headers.location as string
    const publicationId = versionPath.split('/')[2]!
    const draft = await officer.get(versionPath)
    expect(draft.statusCode).toBe(200)
    expect(draft.body).toContain('£1,998.57')
    expect((await officer.post(`${versionPath}/check`, { checkDays: '1' })).statusCode).toBe(302)

    // Birch Care checks what reached it: £1,998.57 by the day the version is built.
    const manager = await signedIn('manager')
    const figures = await manager.get('/publications/your-figures')
    expect(figures.body).toContain('Paid to you by')
    expect(figures.body).toContain('£1,998.57')
    expect(figures.body).not.toContain('Cedar Homes Ltd')

    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    officer = await signedIn('officer')
    await officer.get(`${versionPath}/sign-off`)
    expect((await officer.post(`${versionPath}/sign-off`, { confirm: 'yes' })).statusCode).toBe(302)
    const stored = await t.database.db
      .selectFrom('publicationVersions')
      .select(['status', 'content'])
      .where('publicationId', '=', publicationId)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('published')

    // The published figures are the ledger's as at the day of publication, on the page and in the CSV.
    const built = await t.services.supportReturn.build(
      await actorFor(t.database.db, ids.officer!),
      '2020-04-16',
    )
    const content = stored.content as {
      blocks: { type: string; rows?: Record<string, { text: string }>[] }[]
    }
    const spent = content.blocks
      .filter((b) => b.type === 'table')
      .map((b) => b.rows!.map((r) => r.spent!.text))
    expect(spent).toEqual(
      [built!.contracted, built!.notContracted].map((side) => [
        ...(['domiciliary', 'residential', 'other'] as const).map((c) => pounds(side.byCategory[c])),
        pounds(side.totalPence),
      ]),
    )
    expect(spent[0]).toEqual(['£250.00', '£1,748.57', '£0.00', '£1,998.57'])
    const anyone = new TestClient(t.app)
    const html = (await anyone.get(`/published/${publicationId}/versions/1`)).body
    for (const figure of ['£1,998.57', '£1,748.57', '£250.00', '£40.00']) expect(html).toContain(figure)
    const csv = (await anyone.get(`/published/${publicationId}/versions/1/report.csv`)).body
    expect(csv).toContain('£1,998.57')
  })
})
