import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { setUpEnquiries } from './enquiries.test-fixture.ts'

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
describe.each(engines)('enquiry trends on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpEnquiries(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const actorFor = (key: string) => loadActorOf(t.database.db, ids[key]!)

  it('counts enquiries by category per week exactly as a direct SQL count of the same data', async () => {
    const db = t.database.db
    const now = new Date('2020-04-14T08:00:00Z')
    // Spread over 14 weeks (two outside the window), both sides of the clock change on 29 March, with
    // Sunday-night and Monday-morning edges, and enquiries of another council that must not count.
    const categories = [
      'ppe',
      'staffing',
      'infection_control',
      'finance',
      'safeguarding',
      'guidance',
      'other',
    ] as const
    const rows = []
    for (let i = 0; i < 140; i++) {
      const hoursBack = (i * 23 + (i % 7) * 5) % (14 * 7 * 24)
      rows.push({
        councilId: i % 9 === 0 ? ids.otherCouncil! : ids.council!,
        locationId: i % 9 === 0 ? ids.otherLocation! : ids.location!,
        providerId: i % 9 === 0 ? ids.otherProvider! : ids.provider!,
        channel: 'phone' as const,
        category: categories[(i * 3) % 7]!,
        question: `Trend question ${i}`,
        askedByUserId: null,
        askedByName: 'Test',
        status: 'new' as const,
        ownerUserId: null,
        response: null,
        respondedAt: null,
        respondedBy: null,
        receivedAt: new Date(now.getTime() - hoursBack * 3_600_000),
        dueAt: now,
        closedAt: null,
        updatedAt: now,
      })
    }
    for (const edge of [
      '2020-04-12T23:30:00Z',
      '2020-04-12T22:59:00Z',
      '2020-01-19T23:30:00Z',
      '2020-01-20T00:30:00Z',
    ])
      rows.push({ ...rows[1]!, question: `Edge ${edge}`, receivedAt: new Date(edge) })
    await db.insertInto('enquiries').values(rows).execute()

    const officer = await actorFor('officer')
    const table = (await t.services.enquiries.trends(officer))!
    expect(table.weeks).toHaveLength(12)

    // Independent count: Postgres's own week truncation in London time, over the twelve weeks ending this week.
    const counted = await sql<{ category: string; week: string; n: string }>`
      select category,
             to_char(date_trunc('week', received_at at time zone 'Europe/London'), 'YYYY-MM-DD') as week,
             count(*) as n
      from enquiries
      where council_id = ${ids.council}
        and date_trunc('week', received_at at time zone 'Europe/London')
            >= date_trunc('week', ${now}::timestamptz at time zone 'Europe/London') - interval '11 weeks'
        and received_at <= ${now}::timestamptz
      group by 1, 2`.execute(db)
    const expected = new Map(counted.rows.map((r) => [`${r.category}|${r.week}`, Number(r.n)]))
    let cells = 0
    for (const row of table.rows)
      table.weeks.forEach((week, i) => {
        expect(row.counts[i], `${row.category} in the week of ${week}`).toBe(
          expected.get(`${row.category}|${week}`) ?? 0,
        )
        cells += row.counts[i]!
      })
    expect(cells).toBe([...expected.values()].reduce((a, b) => a + b, 0))
    expect(table.total).toBe(cells)
    expect(cells).toBeGreaterThan(50)

    // The page, its chart and the CSV export show the same figures.
    const client = await signedIn('officer')
    const page = await client.get('/enquiries/trends')
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    expect($('svg[role="img"] title').first().text()).toBe('Enquiries per week by category')
    expect($('svg desc').text()).toContain(`${table.total} enquiries`)
    // The table a week a row, the latest first, then the totals over all the weeks.
    const cellsOf = (row: ReturnType<typeof $>) =>
      row
        .find('td')
        .map((_, td) => $(td).text().trim())
        .get()
    const weekRows = $('#trend-weeks tbody tr')
    expect(weekRows.length).toBe(table.weeks.length + 1)
    const last = table.weeks.length - 1
    expect(cellsOf(weekRows.first())).toEqual([
      ...table.rows.map((r) => String(r.counts[last])),
      String(table.weekTotals[last]),
    ])
    expect(cellsOf(weekRows.eq(last))).toEqual([
      ...table.rows.map((r) => String(r.counts[0])),
      String(table.weekTotals[0]),
    ])
    expect(cellsOf(weekRows.last())).toEqual([...table.rows.map((r) => String(r.total)), String(table.total)])
    const csv = await client.get('/enquiries/trends.csv')
    expect(csv.headers['content-type']).toContain('text/csv')
    const parsed: string[][] = parse(csv.body)
    expect(parsed[0]).toEqual(['Category', ...table.weeks.map((w) => `Week of ${w}`), 'Total'])
    const ppe = table.rows.find((r) => r.category === 'ppe')!
    expect(parsed.find((r) => r[0] === 'PPE')).toEqual(['PPE', ...ppe.counts.map(String), String(ppe.total)])
    expect(parsed.at(-1)).toEqual(['All categories', ...table.weekTotals.map(String), String(table.total)])
    // Partners and providers have no trends page.
    expect((await (await signedIn('partner')).get('/enquiries/trends')).statusCode).toBe(404)
    expect((await (await signedIn('manager')).get('/enquiries/trends.csv')).statusCode).toBe(404)
  })
})
