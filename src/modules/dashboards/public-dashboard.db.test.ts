import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { buildPublicDashboard } from './public-dashboard.publication.ts'

type StoredBlock = {
  type: string
  caption?: string
  rows?: Record<string, { text: string }>[]
  table?: { rowLabels: string[]; cells: { value: number; shown: string; withheld: boolean }[][] }
}

// Issue 24: the public dashboard view is one of the outputs published through the workflow, with small
// counts suppressed and its rates as the dashboard computes them at publication.
describe.each(engines)('the public dashboard, published on %s', (engine) => {
  let t: TestApp
  let councilId = ''
  let officerEmail = ''
  const day = '2020-04-16'

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2020-04-14T10:00:00Z'))
    const db = t.database.db
    councilId = await createOrganisation(db, 'council', 'Public Council', { onsCode: 'E10000074' })
    const provider = await createProvider(db, 'Public Care Ltd')
    officerEmail = (await createUser(db, councilId, 'council_officer')).email
    // Eight homes in two areas; two in outbreak on the day, one red.
    for (let i = 0; i < 8; i++) {
      const id = await createLocation(db, provider, councilId, { name: `Home ${i}` })
      await db
        .updateTable('locations')
        .set({ area: i < 4 ? 'North' : 'South' })
        .where('id', '=', id)
        .execute()
      if (i === 0)
        await db
          .insertInto('locationRisk')
          .values({ locationId: id, rag: 'red', openAlerts: 1, openCaseId: null, updatedAt: new Date() })
          .execute()
      if (i === 7) continue // one home has not reported
      await db
        .insertInto('situationReturns')
        .values({
          locationId: id,
          frequency: 'daily',
          periodStart: day,
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: JSON.stringify({
            confirmedCasesResidents: i < 2 ? 1 : 0,
            bedsAvailable: 20,
            bedsOccupied: 15,
            staffEmployed: 40,
            staffAbsentCovid: 2,
            staffAbsentOther: 2,
          }),
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing: 'on-time',
          submittedBy: null,
          submittedAt: new Date(`${day}T08:00:00Z`),
          amendmentReason: null,
        })
        .execute()
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  it('goes draft → check → sign-off, with its small counts withheld and its rates as computed', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(officerEmail)
    await officer.get('/publications')
    const started = await officer.post('/publications/new', { kind: 'public-dashboard' })
    expect(started.statusCode).toBe(302)
    const versionPath = started.headers.location as string
    const publicationId = versionPath.split('/')[2]!
    expect((await officer.post(`${versionPath}/check`, { checkDays: '1' })).statusCode).toBe(302)
    t.clock.set(new Date(`${day}T09:00:00Z`))
    const again = new TestClient(t.app)
    await again.signIn(officerEmail)
    await again.get(`${versionPath}/sign-off`)
    expect((await again.post(`${versionPath}/sign-off`, { confirm: 'yes' })).statusCode).toBe(302)

    const stored = await t.database.db
      .selectFrom('publicationVersions')
      .select(['status', 'content', 'publishedAt'])
      .where('publicationId', '=', publicationId)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('published')
    const blocks = (stored.content as { blocks: StoredBlock[] }).blocks
    const rates = blocks.find((b) => b.type === 'table')!.rows!.map((r) => [r.figure!.text, r.value!.text])
    // 7 of 8 reported; 28 of 280 staff absent; 35 of 140 beds vacant.
    expect(rates).toEqual([
      ['Returns received', '87.5%'],
      ['Staff absent', '10%'],
      ['Beds vacant', '25%'],
    ])
    const outbreak = blocks.find(
      (b) => b.type === 'suppressed' && b.caption?.startsWith('Locations in outbreak'),
    )!
    // Two homes in outbreak: fewer than the threshold, so withheld, and its total with it.
    expect(outbreak.table!.cells.flat().every((c) => c.value === 0 || c.withheld)).toBe(true)
    expect(outbreak.table!.cells.flat().some((c) => c.value === 2 && c.withheld)).toBe(true)
    const risk = blocks.find(
      (b) => b.type === 'suppressed' && b.caption === 'Locations by risk status and area',
    )!
    expect(risk.table!.rowLabels).toEqual(['North', 'South'])
    expect(risk.table!.cells.slice(0, 2).map((row) => row.slice(0, 3).map((c) => c.value))).toEqual([
      [1, 0, 3],
      [0, 0, 4],
    ])
    // The same figures as building it afresh at the instant it was published.
    const fresh = await buildPublicDashboard(t.database.db, councilId, new Date(stored.publishedAt!))
    const freshRates = fresh.blocks.find((b) => b.type === 'table')
    expect(freshRates?.type === 'table' && freshRates.rows.map((r) => r.value!.text)).toEqual(
      rates.map((r) => r[1]),
    )
    const page = await new TestClient(t.app).get(`/published/${publicationId}/versions/1`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Care market situation')
  })
})
