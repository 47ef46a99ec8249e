import { load } from 'cheerio'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { riskQueueJob } from '../early-warning/index.ts'
import { currentDataset, parseReturn } from './domain/dataset.ts'
import { exportCellsLayout } from './export-cells.ts'

// Every channel of a return goes through the one save path (return-save.ts), so every channel's save
// brings what the other capabilities contribute to it: its audit record, the dashboards' stale mark for
// the day it changes, and the risk rules' result (at once, or from the risk queue for the API).
// fullReturn reports staff absence of 20% and a confirmed case: red alerts on any care home.
describe.each(engines)('one save path for every channel of a return on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const today = '2020-04-14'

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Channel Council', { onsCode: 'E10000091' })
    ids.provider = await createProvider(db, 'Channel Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Channel Care Ltd', {
      providerId: ids.provider,
    })
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    for (const channel of ['web', 'officer', 'upload', 'api', 'tracker', 'nothing']) {
      ids[channel] = await createLocation(db, ids.provider, ids.council, {
        name: `${channel} House`,
        beds: 40,
      })
      cqc[channel] = (
        await db
          .selectFrom('locations')
          .select('cqcLocationId')
          .where('id', '=', ids[channel]!)
          .executeTakeFirstOrThrow()
      ).cqcLocationId!
    }
    // Yesterday's return for the home that says "nothing changed" today, written as it stood (its risk
    // rules never ran), so today's rules are judged on today's save alone.
    const parsed = parseReturn(currentDataset, 'care_home_residential', fullReturn)
    await db
      .insertInto('situationReturns')
      .values({
        locationId: ids.nothing!,
        frequency: 'daily',
        periodStart: '2020-04-13',
        version: 1,
        isCurrent: true,
        datasetVersion: currentDataset.version,
        values: JSON.stringify(parsed.values),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date('2020-04-13T08:00:00Z'),
        amendmentReason: null,
      })
      .execute()
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  // Each channel's save starts with no stale marks, so the mark found is its own.
  const freshMarks = () => t.database.db.deleteFrom('dashboardStale').execute()

  const savedReturn = async (channel: string) => {
    const rows = await t.database.db
      .selectFrom('situationReturns')
      .select(['id', 'source', 'periodStart', 'exportCells', 'exportLayout'])
      .where('locationId', '=', ids[channel]!)
      .where('periodStart', '=', today)
      .execute()
    expect(rows).toHaveLength(1)
    // Every channel's version is saved with its cells of the returns CSV (the export reads them).
    expect(rows[0]!.exportLayout).toBe(exportCellsLayout)
    expect(rows[0]!.exportCells).toMatch(new RegExp(`^${today},1,`))
    return rows[0]!
  }

  const auditOf = (returnId: string) =>
    t.database.db.selectFrom('auditEvents').select('action').where('entityId', '=', returnId).execute()

  const staleMark = () =>
    t.database.db
      .selectFrom('dashboardStale')
      .select(['day', 'councilKey'])
      .where('day', '=', today)
      .where('councilKey', '=', ids.council!)
      .execute()

  const queued = (channel: string) =>
    t.database.db
      .selectFrom('riskQueue')
      .select('locationId')
      .where('locationId', '=', ids[channel]!)
      .execute()

  // The risk rules' result: alerts raised by this very return, and the location's RAG.
  const riskOf = async (channel: string, returnId: string) => ({
    raisedByIt: (
      await t.database.db
        .selectFrom('alerts')
        .select('alertKey')
        .where('locationId', '=', ids[channel]!)
        .where('status', '=', 'open')
        .where('raisedByReturnId', '=', returnId)
        .execute()
    ).map((a) => a.alertKey),
    rag:
      (
        await t.database.db
          .selectFrom('locationRisk')
          .select('rag')
          .where('locationId', '=', ids[channel]!)
          .executeTakeFirst()
      )?.rag ?? null,
  })

  // What every channel but the API shows on its next page: all of it, with nothing left queued.
  const expectEverything = async (channel: string, source: string, action: string) => {
    const saved = await savedReturn(channel)
    expect(saved.source).toBe(source)
    expect(await auditOf(saved.id)).toEqual([{ action }])
    expect(await staleMark()).toEqual([{ day: today, councilKey: ids.council }])
    const risk = await riskOf(channel, saved.id)
    expect(risk.raisedByIt).toEqual(expect.arrayContaining(['staff-absence-red', 'outbreak']))
    expect(risk.rag).toBe('red')
    expect(await queued(channel)).toEqual([])
  }

  it('the web form', async () => {
    await freshMarks()
    const manager = await signedIn('manager')
    await manager.get(`/locations/${ids.web}/returns/new`)
    const sent = await manager.post(`/locations/${ids.web}/returns/check`, {
      ...fullReturn,
      periodStart: today,
      action: 'submit',
    })
    expect(sent.statusCode).toBe(302)
    await expectEverything('web', 'web', 'return-submitted')
  })

  it('an officer entering a return on a provider’s behalf', async () => {
    await freshMarks()
    const officer = await signedIn('officer')
    await officer.get(`/locations/${ids.officer}/returns/new`)
    const sent = await officer.post(`/locations/${ids.officer}/returns/check`, {
      ...fullReturn,
      periodStart: today,
      action: 'submit',
    })
    expect(sent.statusCode).toBe(302)
    await expectEverything('officer', 'officer', 'return-submitted')
  })

  it('"nothing changed", repeating yesterday’s figures', async () => {
    await freshMarks()
    const manager = await signedIn('manager')
    await manager.get(`/locations/${ids.nothing}/returns/nothing-changed`)
    const sent = await manager.post(`/locations/${ids.nothing}/returns/nothing-changed`, {})
    expect(sent.statusCode).toBe(302)
    await expectEverything('nothing', 'web', 'return-submitted')
  })

  it('an upload', async () => {
    await freshMarks()
    const manager = await signedIn('manager')
    await manager.get('/returns/upload')
    const file = Buffer.from(
      stringify([{ cqcLocationId: cqc.upload!, periodStart: today, ...fullReturn }], { header: true }),
    )
    const sent = await manager.postMultipart(
      '/returns/upload',
      {},
      { field: 'file', fileName: 'returns.csv', content: file },
    )
    expect(load(sent.body)('.govuk-panel__title').text().trim()).toBe('1 return saved')
    await expectEverything('upload', 'upload', 'return-submitted')
  })

  it('the capacity tracker’s import', async () => {
    await freshMarks()
    const result = await t.services.capacityTracker.importExtract(
      { userId: null, organisationId: null, scope: { kind: 'everything' } },
      Buffer.from(
        [
          'cqcid,lastupdatedbst,maxcapacity,usedbeds,isacceptingadmissions,careworkersemployed,nursesemployed,noncareworkersemployed,careworkersabsentcovid,nursesabsentcovid,noncareworkersabsentcovid,careworkersabsentgeneral,nursesabsentgeneral,noncareworkersabsentgeneral',
          `${cqc.tracker},14/04/2020 08:30,40,35,Yes,30,6,8,9,0,0,0,0,0`,
        ].join('\n'),
      ),
    )
    expect(result.saved).toBe(1)
    const saved = await savedReturn('tracker')
    expect(saved.source).toBe('import')
    expect(await auditOf(saved.id)).toEqual([{ action: 'return-imported-from-capacity-tracker' }])
    expect(await staleMark()).toEqual([{ day: today, councilKey: ids.council }])
    const risk = await riskOf('tracker', saved.id)
    expect(risk.raisedByIt).toContain('staff-absence-red')
    expect(risk.rag).toBe('red')
    expect(await queued('tracker')).toEqual([])
  })

  it('the API, whose risk rules the risk queue runs', async () => {
    await freshMarks()
    const manager = await signedIn('manager')
    await manager.get('/api-tokens')
    const token = load((await manager.post('/api-tokens', { name: 'Channel test' })).body)('#api-token')
      .text()
      .trim()
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'channel-test-api',
      },
      payload: JSON.stringify({ locationId: cqc.api, periodStart: today, values: fullReturn }),
    })
    expect(sent.statusCode).toBe(201)
    const saved = await savedReturn('api')
    expect(saved.id).toBe(sent.json().id)
    expect(saved.source).toBe('api')
    expect(await auditOf(saved.id)).toEqual([{ action: 'return-submitted' }])
    expect(await staleMark()).toEqual([{ day: today, councilKey: ids.council }])
    // Answered when saved: its location is queued, and the next batch of the risk queue judges it.
    expect(await queued('api')).toEqual([{ locationId: ids.api }])
    expect(await riskOf('api', saved.id)).toEqual({ raisedByIt: [], rag: null })
    await riskQueueJob({ clock: t.clock }).run(t.database.db)
    const risk = await riskOf('api', saved.id)
    expect(risk.raisedByIt).toEqual(expect.arrayContaining(['staff-absence-red', 'outbreak']))
    expect(risk.rag).toBe('red')
    expect(await queued('api')).toEqual([])
  })
})
