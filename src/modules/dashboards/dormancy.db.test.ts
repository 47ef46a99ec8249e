import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { createPreview, saveImport } from '../directory/index.ts'

// Issue 17, item 5: dormant locations counted as open in the risk counts and the dashboard's export,
// but as dormant in the directory; and dormancy was dated from the day of the import, not the CQC's
// dormancyStartDate. One meaning now, dated from the CQC's own dates.
const oldham = fs.readFileSync(path.resolve('test/fixtures/cqc/cqc_api_oldham_locations_raw.jsonl'))
const records = oldham
  .toString()
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>)

describe.each(engines)('one meaning of dormant on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  let email: string
  let councilId: string
  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2025-03-01T09:00:00Z'))
    councilId = await createOrganisation(t.database.db, 'council', 'Oldham Metropolitan Borough Council', {
      onsCode: 'E08000004',
    })
    const user = await createUser(t.database.db, councilId, 'council_officer')
    email = user.email
    officer = await actorFor(t.database.db, user.id)
    const system = { userId: null, organisationId: null }
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'oldham.jsonl',
      content: oldham,
      areaName: null,
      closeMissing: false,
    })
    await saveImport(t.database.db, t.clock, preview.id, system)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('dates each dormancy from the CQC’s dormancyStartDate', async () => {
    const dormantSince = records.filter(
      (r) =>
        r.dormancy === 'Y' &&
        typeof r.dormancyStartDate === 'string' &&
        r.registrationStatus === 'Registered',
    )
    const events = await t.database.db
      .selectFrom('locationStatusEvents')
      .innerJoin('locations', 'locations.id', 'locationStatusEvents.locationId')
      .select(['locations.cqcLocationId', 'locationStatusEvents.effectiveFrom'])
      .where('locationStatusEvents.status', '=', 'dormant')
      .execute()
    const byId = new Map(events.map((e) => [e.cqcLocationId, String(e.effectiveFrom).slice(0, 10)]))
    const checked = dormantSince.filter((r) => byId.has(r.locationId as string))
    expect(checked.length).toBeGreaterThan(0)
    for (const r of checked) {
      const from =
        (r.dormancyStartDate as string) < (r.registrationDate as string)
          ? r.registrationDate
          : r.dormancyStartDate
      expect(byId.get(r.locationId as string), r.locationId as string).toBe(from)
    }
  })

  it('leaves dormant locations out of the open count, the RAG counts and says dormant in the export', async () => {
    const dormant = await t.database.db
      .selectFrom('locations')
      .select('cqcLocationId')
      .where('councilId', '=', councilId)
      .where('status', '=', 'open')
      .where('dormant', '=', true)
      .execute()
    expect(dormant.length).toBeGreaterThan(0)
    const openNotDormant = await t.database.db
      .selectFrom('locations')
      .select('id')
      .where('councilId', '=', councilId)
      .where('status', '=', 'open')
      .where('dormant', '=', false)
      .execute()
    const situation = await t.services.dashboards.situation(officer, {})
    expect(situation!.headline.rag!.open).toBe(openNotDormant.length)
    const client = new TestClient(t.app)
    await client.signIn(email)
    const answer = await client.get('/dashboard/exports/directory.csv')
    expect(answer.statusCode).toBe(200)
    const rows = parse(answer.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    const status = new Map(rows.map((r) => [r['CQC location ID'], r.Status]))
    for (const d of dormant) expect(status.get(d.cqcLocationId!), d.cqcLocationId!).toBe('Dormant')
  })
})
