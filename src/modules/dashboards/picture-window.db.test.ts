import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { viewpointOf } from './dashboard.service.ts'
import { sumTotals } from './domain/figures.ts'
import { totalsFromLocations } from './measures.repository.ts'

// Issue 17, item 7: at 20:30 with no return yet that day the dashboard showed 0 vacant beds and 0 homes
// under 3 days of PPE. The state figures now take each location's latest return in its window (3 days
// for daily returns, 10 for weekly), the page says how old they are, and the rollup follows a return
// saved for an earlier day into the days after it.
describe.each(engines)('the situation picture before the day’s returns on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  let email: string
  const ids: Record<string, string> = {}
  const today = '2020-04-14' // a Tuesday

  const save = (locationId: string, frequency: string, periodStart: string, values: object) =>
    t.database.db
      .insertInto('situationReturns')
      .values({
        locationId,
        frequency,
        periodStart,
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: JSON.stringify(values),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date(`${periodStart}T09:00:00Z`),
        amendmentReason: null,
      })
      .execute()

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date(`${today}T19:30:00Z`)) // 20:30 in London
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Window Council', { onsCode: 'E10000074' })
    const provider = await createProvider(db, 'Window Care Ltd')
    for (const name of ['Ash', 'Birch', 'Cedar', 'Damson'])
      ids[name] = await createLocation(db, provider, council, { name })
    ids.Agency = await createLocation(db, provider, council, { serviceType: 'home_care', name: 'Agency' })
    const user = await createUser(db, council, 'council_officer')
    officer = await actorFor(db, user.id)
    email = user.email
    const staff = { staffEmployed: 20, staffAbsentCovid: 1, staffAbsentOther: 1 }
    // Yesterday: 5 vacant of 30, 2 days of gloves, closed to admissions.
    await save(ids.Ash!, 'daily', '2020-04-13', {
      ...staff,
      bedsAvailable: 30,
      bedsOccupied: 25,
      ppeDaysGloves: 2,
      closedToAdmissions: true,
    })
    // Two days before: 2 vacant of 20.
    await save(ids.Birch!, 'daily', '2020-04-12', { ...staff, bedsAvailable: 20, bedsOccupied: 18, ppeDaysGloves: 10 })
    // Four days before: outside the 3-day window, not counted.
    await save(ids.Cedar!, 'daily', '2020-04-10', { ...staff, bedsAvailable: 50, bedsOccupied: 10, ppeDaysGloves: 1 })
    // Last week's weekly return (its period began 8 days before): inside the 10-day window.
    await save(ids.Agency!, 'weekly', '2020-04-06', { staffEmployed: 10, staffAbsentCovid: 2, staffAbsentOther: 0 })
  })
  afterAll(async () => {
    await t?.close()
  })

  const live = async () =>
    sumTotals(today, await totalsFromLocations(t.database.db, viewpointOf(officer), {}, [today]))

  it('shows the latest figures in the window with their age, not zeros, and marks today’s point partial', async () => {
    const found = (await t.services.dashboards.situation(officer, { day: today }))!
    expect(found.source).toBe('rollup')
    const h = found.headline
    expect({
      expected: h.expected,
      reported: h.reported,
      vacantBeds: h.vacantBeds,
      bedsAvailable: h.bedsAvailable,
      ppeRed: h.ppeRed,
      closedToAdmissions: h.closedToAdmissions,
      staffAbsent: h.staffAbsent,
      staffEmployed: h.staffEmployed,
    }).toEqual({
      expected: 5,
      reported: 0,
      vacantBeds: 7,
      bedsAvailable: 50,
      ppeRed: 1,
      closedToAdmissions: 1,
      staffAbsent: 6,
      staffEmployed: 50,
    })
    expect(h.figuresAge).toMatchObject({ fromTheDay: 0, earlier: 3, oldestDays: 8, noReturn: 2 })
    // The rollup equals the computation from the locations.
    const l = await live()
    expect({ ...l, day: today }).toMatchObject({
      vacantBeds: 7,
      ppeRed: 1,
      figuresEarlier: 3,
      figuresOldestDays: 8,
      figuresNone: 2,
    })
    const vacancies = found.trends.find((x) => x.key === 'vacancies')!.points
    expect(vacancies.at(-1)).toEqual({ day: today, value: 7, partial: true })
    expect(vacancies.slice(0, -1).every((p) => !p.partial)).toBe(true)
    // A day in the past is not partial.
    const before = (await t.services.dashboards.situation(officer, { day: '2020-04-13' }))!
    expect(before.trends[0]!.points.at(-1)!.partial).toBe(false)
    expect(before.headline.figuresAge).toMatchObject({ fromTheDay: 1, earlier: 2, noReturn: 2 })
    // The page names the window, says how old the figures are, and marks today's point.
    const client = new TestClient(t.app)
    await client.signIn(email)
    const page = await client.get('/dashboard')
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    const age = $('#figures-age').text().replace(/\s+/g, ' ')
    expect(age).toContain('latest return in the last 3 days')
    expect(age).toContain('0 locations’ figures are from today')
    expect(age).toContain('3 from an earlier return, the oldest 8 days old')
    expect(age).toContain('2 expected locations have no return in the window')
    expect(page.body).toContain('(today so far)')
  })

  it('follows a return saved for yesterday into today’s rolled-up figures', async () => {
    await t.services.dashboards.situation(officer, { day: today }) // today's rollup is built
    t.clock.set(new Date('2020-04-13T12:00:00Z'))
    const saved = await t.services.returns.submit(officer, ids.Cedar!, fullReturn)
    expect(saved.ok).toBe(true)
    t.clock.set(new Date(`${today}T19:30:00Z`))
    const h = (await t.services.dashboards.situation(officer, { day: today }))!.headline
    // Cedar's return for yesterday: 2 vacant of 40, 2 days of masks.
    expect({ vacantBeds: h.vacantBeds, bedsAvailable: h.bedsAvailable, ppeRed: h.ppeRed }).toEqual({
      vacantBeds: 9,
      bedsAvailable: 90,
      ppeRed: 2,
    })
    expect(h.figuresAge).toMatchObject({ fromTheDay: 0, earlier: 4, oldestDays: 8, noReturn: 1 })
    const l = await live()
    expect({
      vacantBeds: h.vacantBeds,
      ppeRed: h.ppeRed,
      earlier: h.figuresAge.earlier,
      none: h.figuresAge.noReturn,
    }).toEqual({ vacantBeds: l.vacantBeds, ppeRed: l.ppeRed, earlier: l.figuresEarlier, none: l.figuresNone })
  })
})
