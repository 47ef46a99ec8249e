import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { createDatabase } from '../../db/database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { sendReturnReminders } from './completeness.service.ts'

describe.each(engines)('completeness and reminders on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Completeness Council', { onsCode: 'E10000071' })
    ids.provider = await createProvider(db, 'Complete Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Complete Care Ltd', {
      providerId: ids.provider,
    })
    for (let i = 0; i < 4; i++)
      ids[`home${i}`] = await createLocation(db, ids.provider, ids.council, { name: `Home ${i}` })
    ids.agency = await createLocation(db, ids.provider, ids.council, {
      name: 'Agency',
      serviceType: 'home_care',
    })
    // Closed before the period: not expected, so it cannot push the rate past 100 %.
    ids.closed = await createLocation(db, ids.provider, ids.council, { name: 'Closed Home' })
    await db
      .insertInto('locationStatusEvents')
      .values({
        locationId: ids.closed,
        status: 'closed',
        effectiveFrom: '2020-03-01',
        source: 'test',
        importId: null,
        recordedBy: null,
        recordedAt: new Date(),
      })
      .execute()
    emails.manager1 = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.manager2 = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    // Two homes reported for 14 April, one of them late; the closed home reported too (ignored).
    for (const [key, timing] of [
      ['home0', 'on-time'],
      ['home1', 'late'],
      ['closed', 'on-time'],
    ] as const) {
      await db
        .insertInto('situationReturns')
        .values({
          locationId: ids[key]!,
          frequency: 'daily',
          periodStart: '2020-04-14',
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: '{}',
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing,
          submittedBy: null,
          submittedAt: new Date('2020-04-14T09:00:00Z'),
          amendmentReason: null,
        })
        .execute()
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  it('counts only the locations open in the period, by area and service type', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officer!)
    const page = load((await officer.get('/returns/completeness?frequency=daily&date=2020-04-14')).body)
    const all = page('tbody tr:contains("All")')
      .first()
      .find('td')
      .map((_, td) => load(td).text().trim())
      .get()
    expect(all).toEqual(['4', '1', '1', '2', '50%'])
    // The list: every expected location, the missing first, then the late, then those on time.
    const rows = page('#locations-list tbody tr')
      .map(
        (_, tr) =>
          `${load(tr)('td a').first().text().trim()}: ${load(tr)('td .govuk-tag').first().text().trim()}`,
      )
      .get()
    expect(rows).toEqual(['Home 2: Missing', 'Home 3: Missing', 'Home 1: Late', 'Home 0: On time'])
    expect(
      page('#status option')
        .map((_, o) => load(o).text())
        .get(),
    ).toEqual(['All, missing first (4)', 'Missing (2)', 'Late (1)', 'On time (1)'])
    const chase = await officer.post('/returns/completeness/chase', {
      locationId: ids.home2!,
      periodStart: '2020-04-14',
      frequency: 'daily',
      note: 'Rang: sending by noon',
    })
    expect(chase.statusCode).toBe(302)
    const after = await officer.get('/returns/completeness?frequency=daily&date=2020-04-14')
    expect(after.body).toContain('Rang: sending by noon')
  })

  it('sends one reminder per missing location per period, only after the deadline', async () => {
    const db = t.database.db
    t.clock.set(new Date('2020-04-14T09:00:00Z'))
    expect(await sendReturnReminders(db, t.clock, 'http://carehub.test')).toEqual({ reminded: 0, emails: 0 })
    t.clock.set(new Date('2020-04-14T11:00:00Z'))
    expect(await sendReturnReminders(db, t.clock, 'http://carehub.test')).toEqual({ reminded: 2, emails: 4 })
    expect(await sendReturnReminders(db, t.clock, 'http://carehub.test')).toEqual({ reminded: 0, emails: 0 })
    const messages = await db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'body'])
      .where('kind', '=', 'return-reminder')
      .execute()
    expect(new Set(messages.map((m) => m.toAddress))).toEqual(new Set([emails.manager1, emails.manager2]))
    expect(messages[0]!.body).toMatch(/http:\/\/carehub\.test\/locations\/[\w-]+\/returns\/nothing-changed/)
  })

  it.runIf(engine === 'postgres')(
    'sends each reminder once with two app instances running the job against one PostgreSQL',
    async () => {
      const db = t.database.db
      await db.deleteFrom('returnReminders').execute()
      await db.deleteFrom('outboxMessages').where('kind', '=', 'return-reminder').execute()
      // A second instance: its own connection pool to the same database.
      const url = new URL(process.env.TEST_DATABASE_URL!)
      url.pathname = `/${
        (
          await db
            .selectFrom('users')
            .select((eb) => eb.fn<string>('current_database').as('name'))
            .executeTakeFirstOrThrow()
        ).name
      }`
      const second = createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 })
      try {
        const clock = fixedClock(new Date('2020-04-15T12:00:00Z'))
        const results = await Promise.all([
          sendReturnReminders(db, clock, 'http://a'),
          sendReturnReminders(second, clock, 'http://b'),
        ])
        const reminders = await db
          .selectFrom('returnReminders')
          .select(['locationId', 'periodStart'])
          .where('periodStart', '=', '2020-04-15')
          .execute()
        expect(reminders).toHaveLength(4)
        expect(results[0]!.reminded + results[1]!.reminded).toBe(4)
        const messages = await db
          .selectFrom('outboxMessages')
          .select('id')
          .where('kind', '=', 'return-reminder')
          .execute()
        expect(messages).toHaveLength(8)
      } finally {
        await second.destroy()
      }
    },
  )
})

describe.each(engines)('the list a page at a time, missing first, filtered, on %s', (engine) => {
  let t: TestApp
  let officerEmail = ''
  const homeIds: string[] = []
  const url = '/returns/completeness?frequency=daily&date=2020-04-14'

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Paging Council', { onsCode: 'E10000072' })
    const provider = await createProvider(db, 'Paging Care Ltd')
    // 55 homes, the odd ones in the south; the first five reported on time, the other 50 are missing.
    for (let i = 0; i < 55; i++)
      homeIds.push(
        await createLocation(db, provider, council, { name: `Home ${String(i).padStart(2, '0')}` }),
      )
    await db
      .updateTable('locations')
      .set({ area: 'South' })
      .where(
        'id',
        'in',
        homeIds.filter((_, i) => i % 2 === 1),
      )
      .execute()
    for (const locationId of homeIds.slice(0, 5))
      await db
        .insertInto('situationReturns')
        .values({
          locationId,
          frequency: 'daily',
          periodStart: '2020-04-14',
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: '{}',
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing: 'on-time',
          submittedBy: null,
          submittedAt: new Date('2020-04-14T09:00:00Z'),
          amendmentReason: null,
        })
        .execute()
    officerEmail = (await createUser(db, council, 'council_officer')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  const namesOf = (page: ReturnType<typeof load>) =>
    page('#locations-list tbody tr td:first-child a')
      .map((_, a) => load(a).text().trim())
      .get()

  it('shows 50 a page, the missing first, and a chase comes back to the same filter and page', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(officerEmail)
    const first = load((await officer.get(url)).body)
    const names = namesOf(first)
    expect(names).toHaveLength(50)
    expect(names[0]).toBe('Home 05')
    expect(names.at(-1)).toBe('Home 54')
    expect(first('#locations-list tbody .govuk-tag:contains("On time")').length).toBe(0)
    expect(first('main').text()).toContain('Showing 1 to 50 of 55 locations')
    const second = load((await officer.get(`${url}&page=2`)).body)
    expect(namesOf(second)).toEqual(['Home 00', 'Home 01', 'Home 02', 'Home 03', 'Home 04'])
    expect(second('#locations-list form').length, 'no chase for a return already sent').toBe(0)

    const south = load((await officer.get(`${url}&status=missing&area=South&page=2`)).body)
    expect(south('#status option[selected]').text()).toBe('Missing (25)')
    expect(south('#area option[selected]').text()).toBe('South')
    // Page 2 of 25 is past the end: the last page is shown.
    expect(south('main').text()).toContain('Showing 1 to 25 of 25 locations')
    expect(namesOf(south)[0]).toBe('Home 05')
    const southFirst = load((await officer.get(`${url}&status=missing&area=South`)).body)
    expect(southFirst('input[name="status"]').first().val()).toBe('missing')
    expect(southFirst('input[name="area"]').first().val()).toBe('South')
    const onTime = load((await officer.get(`${url}&status=on-time`)).body)
    expect(namesOf(onTime)).toEqual(['Home 00', 'Home 01', 'Home 02', 'Home 03', 'Home 04'])

    const chase = await officer.post('/returns/completeness/chase', {
      locationId: homeIds[27]!,
      periodStart: '2020-04-14',
      frequency: 'daily',
      status: 'missing',
      area: 'South',
      note: 'Rang: sending by noon',
      page: '2',
    })
    expect(chase.statusCode).toBe(302)
    expect(chase.headers.location).toBe(
      '/returns/completeness?frequency=daily&date=2020-04-14&status=missing&area=South&page=2&chased=1#locations',
    )
  })
})
