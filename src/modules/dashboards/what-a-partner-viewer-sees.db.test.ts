import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { createOrganisation, createUser, linkPartner } from '../../../test/support/factories.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { addDays, setUpMarket, today } from './dashboards.test-fixture.ts'
import type { AlertExportRow, DirectoryStatusRow } from './export-columns.ts'

// A partner's viewer (Healthwatch) reads the market's returns, but neither a location's RAG nor its
// alerts: they may be concerns not yet raised with the provider ("What each role sees",
// src/domain/what-each-role-sees.ts). Each service that reads them leaves them out for the viewer,
// and still gives them to a council officer of the same market; the alerts download is refused.

async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const rows: T[] = []
  for await (const batch of batches) rows.push(...batch)
  return rows
}

describe.each(engines)('what a partner’s viewer sees of RAG and alerts, on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const actors: Record<string, Actor> = {}
  let viewer: Actor
  let viewerEmail: string
  // Home 01 has a red alert (its case owned by council A); Home 02, Oak Care's, an amber one.
  let red: string
  let amber: string
  const range = { from: addDays(today, -3), to: today }

  beforeAll(async () => {
    t = await setUpMarket(engine, ids, emails, actors)
    const db = t.database.db
    const healthwatch = await createOrganisation(db, 'healthwatch', 'Healthwatch A')
    await linkPartner(db, healthwatch, ids.councilA!)
    const user = await createUser(db, healthwatch, 'viewer')
    viewer = await actorFor(db, user.id)
    viewerEmail = user.email
    const named = async (name: string) =>
      (await db.selectFrom('locations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
    red = await named('Home 01')
    amber = await named('Home 02')
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('the dashboard: the returns’ figures, but no RAG, no open alerts, and no list of either', async () => {
    const { dashboards } = t.services
    const seen = (await dashboards.situation(viewer, {}))!
    const officer = (await dashboards.situation(actors.officerA!, {}))!
    expect(officer.headline.rag!.red).toBeGreaterThan(0)
    expect(officer.headline.openAlertsTotal).toBeGreaterThan(0)
    expect(seen.headline.rag).toBeNull()
    expect(seen.headline.openAlerts).toBeNull()
    expect(seen.headline.openAlertsTotal).toBeNull()
    // The same market, so the same figures of its returns.
    for (const key of ['expected', 'reported', 'outbreak', 'ppeRed', 'vacantBeds'] as const)
      expect(seen.headline[key], key).toBe(officer.headline[key])

    for (const figure of ['red', 'amber', 'green', 'open-alerts'] as const) {
      expect(await dashboards.figureLocations(actors.officerA!, {}, figure, 1, 50), figure).not.toBeNull()
      expect(await dashboards.figureLocations(viewer, {}, figure, 1, 50), figure).toBeNull()
    }
    const officersList = (await dashboards.figureLocations(actors.officerA!, {}, 'reported', 1, 50))!
    const viewersList = (await dashboards.figureLocations(viewer, {}, 'reported', 1, 50))!
    expect(officersList.locations.every((l) => 'rag' in l)).toBe(true)
    expect(viewersList.total).toBe(officersList.total)
    expect(viewersList.locations.some((l) => 'rag' in l)).toBe(false)
  })

  it('a location’s and a provider’s overview: the location and its returns, but no RAG and no alert', async () => {
    const { dashboards } = t.services
    const officer = (await dashboards.locationView(actors.officerA!, red))!
    expect(officer.location.rag).toBe('red')
    expect(officer.alerts!.map((a) => a.title)).toEqual(['Concern'])
    const seen = (await dashboards.locationView(viewer, red))!
    expect(seen.location.name).toBe('Home 01')
    expect(seen.returns.length).toBe(officer.returns.length)
    expect('rag' in seen.location).toBe(false)
    expect(seen.alerts).toBeNull()

    const officersProvider = (await dashboards.providerView(actors.officerA!, ids.providerOak!))!
    expect(officersProvider.locations.every((l) => 'rag' in l && 'openAlerts' in l)).toBe(true)
    const viewersProvider = (await dashboards.providerView(viewer, ids.providerOak!))!
    expect(viewersProvider.locations.length).toBe(officersProvider.locations.length)
    expect(viewersProvider.locations.some((l) => 'rag' in l || 'openAlerts' in l)).toBe(false)

    // The provider's own manager keeps their location's RAG, but not the alerts behind it (casework's).
    const manager = (await dashboards.locationView(actors.manager!, amber))!
    expect(manager.location.rag).toBe('amber')
    expect(manager.alerts).toBeNull()
  })

  it('who has reported: the list without its Risk column', async () => {
    const { completeness } = t.services
    const officers = (await completeness.forPeriod(actors.officerA!, 'daily', today))!
    expect(officers.riskShown).toBe(true)
    expect(officers.locations.find((l) => l.id === red)?.rag).toBe('red')
    const seen = (await completeness.forPeriod(viewer, 'daily', today))!
    expect(seen.riskShown).toBe(false)
    expect(seen.locationsTotal).toBe(officers.locationsTotal)
    expect(seen.locations.every((l) => l.rag === null)).toBe(true)
    const client = new TestClient(t.app)
    await client.signIn(viewerEmail)
    const page = load((await client.get(`/returns/completeness?frequency=daily&date=${today}`)).body)
    expect(page('#locations-list').text()).toContain('Home 01')
    expect(page('#locations-list th').text()).not.toContain('Risk')
  })

  it('the directory: its list and a location’s page, without RAG', async () => {
    const { directory } = t.services
    const officersList = (await directory.listLocations(actors.officerA!, { page: 1, pageSize: 50 }))!
    expect(officersList.locations.find((l) => l.id === red)?.rag).toBe('red')
    const viewersList = (await directory.listLocations(viewer, { page: 1, pageSize: 50 }))!
    expect(viewersList.total).toBe(officersList.total)
    expect(viewersList.locations.some((l) => 'rag' in l)).toBe(false)

    expect((await directory.getLocation(actors.officerA!, red))!.location.rag).toBe('red')
    const page = (await directory.getLocation(viewer, red))!
    expect(page.location.name).toBe('Home 01')
    expect('rag' in page.location).toBe(false)
  })

  it('the downloads: alerts refused; the locations without RAG or open alerts', async () => {
    const { dashboardExports: exports } = t.services
    const officersAlerts = exports.alerts(actors.officerA!, range)
    expect(officersAlerts).not.toBeNull()
    expect((await all<AlertExportRow>(officersAlerts!)).map((a) => a.title)).toContain('Concern')
    expect(exports.alerts(viewer, range)).toBeNull()

    const officersRows = await all<DirectoryStatusRow>(exports.directory(actors.officerA!, {}))
    expect(officersRows.find((r) => r.id === red)).toMatchObject({ rag: 'red', openAlerts: 1 })
    const viewersRows = await all<DirectoryStatusRow>(exports.directory(viewer, {}))
    expect(viewersRows.length).toBe(officersRows.length)
    expect(viewersRows.some((r) => 'rag' in r || 'openAlerts' in r)).toBe(false)
    const headers = (actor: Actor) => exports.directoryColumns(actor).map(([header]) => header)
    expect(headers(actors.officerA!)).toEqual(expect.arrayContaining(['RAG', 'Open alerts']))
    expect(headers(viewer)).not.toContain('RAG')
    expect(headers(viewer)).not.toContain('Open alerts')
  })

  it('the pages: no RAG or alert on the viewer’s dashboard and overview, and the alerts download is a 403', async () => {
    const client = new TestClient(t.app)
    await client.signIn(viewerEmail)
    const main = async (path: string) => {
      const answer = await client.get(path)
      expect(answer.statusCode, path).toBe(200)
      return load(answer.body)('main')
    }
    const dashboard = await main('/dashboard')
    expect(dashboard.find('.carehub-figure__label').length).toBeGreaterThan(0)
    expect(dashboard.find('.carehub-figure__label:contains("amber")').length).toBe(0)
    expect(dashboard.text()).not.toMatch(/alert/i)
    expect(dashboard.find(`a[href*="figure=red"], a[href*="figure=open-alerts"]`).length).toBe(0)
    const overview = await main(`/locations/${red}/overview`)
    expect(overview.find('h2:contains("Latest return")').length).toBe(1)
    expect(overview.text()).not.toMatch(/alert|Concern/i)
    expect(overview.find('.govuk-tag--red').length).toBe(0)
    expect((await main(`/locations/${red}`)).text()).not.toContain('Risk status')
    expect((await main('/locations')).find('th:contains("Risk")').length).toBe(0)
    const downloads = await main('/dashboard/exports')
    expect(downloads.find('a[href*="/dashboard/exports/alerts"]').length).toBe(0)

    for (const path of [
      `/dashboard/exports/alerts.csv?from=${range.from}&to=${range.to}`,
      `/dashboard/exports/alerts.xlsx?from=${range.from}&to=${range.to}`,
      '/dashboard/locations?figure=red',
      '/dashboard/locations.csv?figure=open-alerts',
    ]) {
      const refused = await client.get(path)
      expect(refused.statusCode, path).toBe(403)
      expect(refused.body, path).toContain('You cannot do that')
    }
    const file = await client.get('/dashboard/exports/directory.csv')
    expect(file.statusCode).toBe(200)
    const rows = parse(file.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    const header = Object.keys(rows[0]!)
    expect(header).toContain('Latest return for period starting')
    expect(header).not.toContain('RAG')

    // An officer of the same market still downloads the alerts.
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const alerts = await officer.get(`/dashboard/exports/alerts.csv?from=${range.from}&to=${range.to}`)
    expect(alerts.statusCode).toBe(200)
    expect(alerts.body).toContain('Concern')
  })
})
