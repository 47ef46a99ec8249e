import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { riskQueueJob } from '../early-warning/index.ts'
import { apiHelpers, seedApiFixtures } from './api.test-support.ts'
import { exampleSubmission } from './index.ts'

const values = exampleSubmission.values

// A return sent through the API is answered once saved; its location's risk rules run in the risk
// queue's next batch.
describe.each(engines)('the returns API and the risk queue on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const tokens: Record<string, string> = {}
  const { createToken, api, returnsAt } = apiHelpers(() => t, emails)

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await seedApiFixtures(t.database.db, ids, emails, {})
    tokens.a = await createToken('managerA', 'Care records system')
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('answers a return when it is saved and leaves its risk rules to the risk queue, whose next batch raises the alert', async () => {
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    const db = t.database.db
    const home = await createLocation(db, ids.providerA!, ids.council!, { name: 'Larch House', beds: 40 })
    // Whatever is queued already goes in a batch of its own first.
    const recomputeQueuedRisk = riskQueueJob({ clock: t.clock }).run
    await recomputeQueuedRisk(db)
    const openAlerts = () =>
      db
        .selectFrom('alerts')
        .select(['alertKey', 'severity', 'raisedByReturnId'])
        .where('locationId', '=', home)
        .where('status', '=', 'open')
        .execute()
    const response = await api('POST', '/api/v1/returns', {
      token: tokens.a,
      body: { locationId: home, periodStart: '2020-04-16', values: { ...values, ppeDaysGloves: 1 } },
      headers: { 'idempotency-key': 'larch-house-2020-04-16' },
    })
    expect(response.statusCode).toBe(201)
    const returnId = response.json().id
    // Saved with its audit record and its location queued; no alert yet.
    expect(await returnsAt(home)).toHaveLength(1)
    expect(
      await db.selectFrom('auditEvents').select('action').where('entityId', '=', returnId).execute(),
    ).toEqual([{ action: 'return-submitted' }])
    expect(await db.selectFrom('riskQueue').select('locationId').execute()).toEqual([{ locationId: home }])
    expect(await openAlerts()).toEqual([])

    const result = await recomputeQueuedRisk(db)
    const raised = await openAlerts()
    expect(result).toMatchObject({ locations: 1, raised: raised.length })
    expect(raised).toContainEqual({ alertKey: 'ppe-red', severity: 'red', raisedByReturnId: returnId })
    expect(raised.every((a) => a.raisedByReturnId === returnId)).toBe(true)
    expect(
      await db.selectFrom('locationRisk').select('rag').where('locationId', '=', home).executeTakeFirst(),
    ).toEqual({ rag: 'red' })
    expect(await db.selectFrom('riskQueue').select('id').execute()).toEqual([])
    // Nothing left to do: the next batch changes nothing.
    expect(await recomputeQueuedRisk(db)).toMatchObject({ locations: 0, raised: 0 })
  })
})
