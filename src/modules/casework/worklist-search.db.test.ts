import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { raiseAlert } from '../early-warning/index.ts'
import { worklistQueryFrom } from './domain/worklist.rules.ts'

// Issue 18, acceptance 2: among 300 open cases, a home that turned red a minute ago is on the first
// page by default, and found by its name, its CQC ID and its postcode.
describe.each(engines)('the worklist’s search and order on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  let officerEmail: string
  let newRed: { locationId: string; caseId: string }
  const minute = 60_000

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Worklist Council', { onsCode: 'E10000081' })
    const provider = await createProvider(db, 'Worklist Care Ltd')
    const user = await createUser(db, council, 'council_officer')
    officerEmail = user.email
    const now = t.clock.now().getTime()
    // 300 open cases: a hundred red for days or weeks, the rest amber, spread over two areas.
    for (let i = 0; i < 300; i++) {
      const locationId = await createLocation(db, provider, council, {
        name: `Home ${String(i).padStart(3, '0')}`,
        serviceType: i % 4 === 0 ? 'home_care' : 'care_home_residential',
      })
      if (i % 3 === 0)
        await db.updateTable('locations').set({ area: 'South' }).where('id', '=', locationId).execute()
      const red = i < 100
      await raiseAlert(db, {
        locationId,
        source: i % 10 === 0 ? 'capacity_tracker' : 'rule',
        alertKey: red ? 'ppe-red' : 'absence-amber',
        severity: red ? 'red' : 'amber',
        title: red ? 'PPE under 3 days' : 'Staff absence over 10%',
        message: 'fired',
        evidence: {},
        at: new Date(now - (2 + (i % 30)) * 24 * 60 * minute),
      })
    }
    // The home that turned red a minute ago, its case opened ten days ago by an amber alert: by the age of
    // the case alone (the order before issue 18), 64 reds opened earlier would come first.
    const locationId = await createLocation(db, provider, council, { name: 'Wrenfield Lodge' })
    await db
      .updateTable('locations')
      .set({ postcode: 'NM7 3QX', cqcLocationId: '1-999000111', area: 'South' })
      .where('id', '=', locationId)
      .execute()
    const at = (ago: number) => new Date(now - ago)
    const base = { locationId, message: 'fired', evidence: {} }
    await raiseAlert(db, {
      ...base,
      source: 'rule',
      alertKey: 'absence-amber',
      severity: 'amber',
      title: 'Staff absence over 10%',
      at: at(10 * 24 * 60 * minute),
    })
    const raised = await raiseAlert(db, {
      ...base,
      source: 'intelligence',
      alertKey: 'intelligence-1',
      severity: 'red',
      title: 'Manager reports no staff for tonight',
      at: at(minute),
    })
    newRed = { locationId, caseId: raised.caseId }
    officer = await actorFor(db, user.id)
  }, 300_000)

  afterAll(async () => {
    await t?.close()
  })

  const firstPage = async (query: Record<string, unknown>) => {
    const result = await t.services.casework.worklist(officer, worklistQueryFrom(query), {
      page: 1,
      pageSize: 25,
    })
    return result!
  }

  it('puts the home that turned red a minute ago first by default, above 100 long-standing reds', async () => {
    const result = await firstPage({})
    expect(result.total).toBe(301)
    expect(result.rows[0]).toMatchObject({
      id: newRed.caseId,
      locationName: 'Wrenfield Lodge',
      severity: 'red',
    })
    expect(result.rows.slice(1).every((r) => r.severity === 'red')).toBe(true)
    // The other orders, when asked.
    const waiting = await firstPage({ order: 'longest-waiting' })
    expect(waiting.rows.map((r) => r.locationName)).not.toContain('Wrenfield Lodge')
    expect(waiting.rows[0]!.openedAt.getTime()).toBeLessThan(t.clock.now().getTime() - 30 * 24 * 60 * minute)
    const byName = await firstPage({ order: 'name' })
    expect(byName.rows[0]!.locationName).toBe('Home 000')
  })

  it('finds it by name, CQC ID and postcode, with or without the space', async () => {
    for (const search of ['wrenfield', 'Wrenfield Lodge', '1-999000111', '999000111', 'NM7 3QX', 'nm73qx']) {
      const result = await firstPage({ search })
      expect(
        result.rows.map((r) => r.locationName),
        search,
      ).toEqual(['Wrenfield Lodge'])
      expect(result.total, search).toBe(1)
    }
    // A search is text, not a pattern.
    expect((await firstPage({ search: '%' })).total).toBe(0)
    expect((await firstPage({ search: 'Home 0' })).total).toBe(100)
  })

  it('filters by RAG, area, service type, owner and alert kind, counting each value', async () => {
    const red = await firstPage({ rag: 'red' })
    expect(red.total).toBe(101)
    expect(red.counts.rag).toEqual({ red: 101, amber: 200 })
    expect(red.counts.area).toEqual({ North: 66, South: 35 })
    const south = await firstPage({ area: 'South', rag: 'red' })
    expect(south.total).toBe(35)
    expect(south.rows[0]!.locationName).toBe('Wrenfield Lodge')
    expect(south.counts.serviceType).toEqual({ home_care: 9, care_home_residential: 26 })
    const tracker = await firstPage({ alertKind: 'capacity_tracker' })
    expect(tracker.total).toBe(30)
    expect(tracker.counts.alertKind).toEqual({ rule: 271, capacity_tracker: 30, intelligence: 1 })
    const intelligence = await firstPage({ alertKind: 'intelligence' })
    expect(intelligence.rows.map((r) => r.locationName)).toEqual(['Wrenfield Lodge'])
    const mine = await firstPage({ show: 'mine' })
    expect(mine.total).toBe(0)
    expect(mine.counts.show).toMatchObject({ all: 301, mine: 0, unowned: 301 })
  })

  it('answers the GET form, keeping the search in the page links', async () => {
    const client = new TestClient(t.app)
    await client.signIn(officerEmail)
    const page = await client.get('/worklist')
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    expect($('table.carehub-worklist tbody tr').first().text()).toContain('Wrenfield Lodge')
    expect($('form[method="get"] #search').length).toBe(1)
    expect($('#rag option[value="red"]').text()).toBe('Red (101)')
    expect($('.govuk-pagination__next a').attr('href')).toBe('/worklist?page=2')
    const searched = load((await client.get('/worklist?search=NM7+3QX&order=name')).body)
    expect(searched('table.carehub-worklist tbody tr').length).toBe(1)
    expect(searched('#search').val()).toBe('NM7 3QX')
    const reds = load((await client.get('/worklist?rag=red&area=South')).body)
    expect(reds('.govuk-pagination__next a').attr('href')).toBe('/worklist?area=South&rag=red&page=2')
    // The locations list searches the same way.
    for (const search of ['nm73qx', '1-999000111', 'WRENFIELD']) {
      const locations = load((await client.get(`/locations?search=${encodeURIComponent(search)}`)).body)
      const names = locations('#main-content table.govuk-table tbody tr')
        .map((_, row) => locations(row).find('a').first().text().trim())
        .get()
      expect(names, search).toEqual(['Wrenfield Lodge'])
    }
  })
})
