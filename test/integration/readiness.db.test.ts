import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createOrganisation, createProvider } from '../support/factories.ts'
import { buildTestApp, type TestApp } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

describe.each(engines)('/readyz figures on %s', (engine) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('reports the risk queue’s length and lag and the outbox’s backlog, and stays 200 with work waiting', async () => {
    const db = t.database.db
    const councilId = await createOrganisation(db, 'council', 'Council R', { onsCode: 'E10000021' })
    const providerId = await createProvider(db)
    const locationIds = [
      await createLocation(db, providerId, councilId),
      await createLocation(db, providerId, councilId),
    ]
    for (const [i, locationId] of locationIds.entries())
      await sql`insert into risk_queue (location_id, queued_at)
        values (${locationId}::uuid, now() - make_interval(secs => ${40 - i * 10}))`.execute(db)
    for (const age of [90, 30, 10])
      await sql`insert into outbox_messages (created_at, kind, to_address, subject, body, next_attempt_at)
        values (now() - make_interval(secs => ${age}), 'test', 'someone@example.invalid', 'S', 'B', now())`.execute(
        db,
      )
    await sql`insert into outbox_messages (created_at, kind, to_address, subject, body, next_attempt_at, status)
      values (now() - interval '1 hour', 'test', 'someone@example.invalid', 'S', 'B', now(), 'sent')`.execute(
      db,
    )

    const response = await t.app.inject({ url: '/readyz' })
    expect(response.statusCode).toBe(200)
    const { figures } = response.json()
    expect(figures['early-warning'].riskQueueLength).toBe(2)
    expect(figures['early-warning'].riskQueueLagSeconds).toBeGreaterThanOrEqual(40)
    expect(figures['early-warning'].riskQueueLagSeconds).toBeLessThan(100)
    expect(figures.comms.outboxBacklog).toBe(3)
    expect(figures.comms.outboxOldestWaitingSeconds).toBeGreaterThanOrEqual(90)
    expect(figures.comms.outboxOldestWaitingSeconds).toBeLessThan(200)
  })
})
