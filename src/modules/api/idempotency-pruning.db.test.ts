import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { tokenHash } from '../access/index.ts'
import { apiHelpers, seedApiFixtures } from './api.test-support.ts'
import { pruneIdempotencyKeys } from './idempotency-pruning.ts'
import { scheduledJobs } from '../../modules.ts'
import { exampleSubmission } from './index.ts'

// The job that deletes Idempotency-Keys past their 24 hours, in bounded batches: old keys go, keys
// still within their day and claims in use stay, and a retry within the day still gets its answer.
describe.each(engines)('pruning Idempotency-Keys on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const cqc: Record<string, string> = {}
  let token = ''
  const { createToken, api } = apiHelpers(() => t, emails)

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await seedApiFixtures(t.database.db, ids, emails, cqc)
    t.clock.set(new Date('2020-04-14T07:00:00Z'))
    token = await createToken('managerA', 'Care records system')
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  const keys = async () =>
    (await t.database.db.selectFrom('idempotencyKeys').select('key').orderBy('key').execute()).map(
      (k) => k.key,
    )

  it('deletes keys older than a day in batches, keeps newer keys and claims in use, and their answers', async () => {
    const db = t.database.db
    const tokenId = (
      await db
        .selectFrom('apiTokens')
        .select('id')
        .where('tokenHash', '=', tokenHash(token))
        .executeTakeFirstOrThrow()
    ).id
    const send = (locationId: string, key: string) =>
      api('POST', '/api/v1/returns', {
        token,
        body: { ...exampleSubmission, locationId, periodStart: '2020-04-14' },
        headers: { 'idempotency-key': key },
      })
    const claim = (key: string, at: string, statusCode = 201) => ({
      tokenId,
      key,
      requestHash: 'hash',
      statusCode,
      response: 'null',
      createdAt: new Date(at),
    })

    // 14 April, 08:00: a return sent with a key, and 24 older keys (one an abandoned claim, status 0).
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    expect((await send(ids.homeA!, 'old-return')).statusCode).toBe(201)
    await db
      .insertInto('idempotencyKeys')
      .values([
        ...Array.from({ length: 23 }, (_, i) =>
          claim(`old-${String(i).padStart(2, '0')}`, '2020-04-13T12:00:00Z'),
        ),
        claim('old-abandoned', '2020-04-13T12:00:00Z', 0),
      ])
      .execute()
    // 14 April, 20:00: another return with its key.
    t.clock.set(new Date('2020-04-14T20:00:00Z'))
    const fresh = await send(ids.homeA2!, 'fresh-return')
    expect(fresh.statusCode).toBe(201)

    // 15 April, 08:00: the first key is exactly a day old; a request is under way with a key just claimed.
    t.clock.set(new Date('2020-04-15T08:00:00Z'))
    await db
      .insertInto('idempotencyKeys')
      .values(claim('in-progress', '2020-04-15T07:59:59Z', 0))
      .execute()
    // Bounded: two batches of ten, then the run stops; the next run takes the rest.
    expect(await pruneIdempotencyKeys(db, t.clock, { batchSize: 10, batches: 2 })).toEqual({ deleted: 20 })
    expect(await keys()).toHaveLength(7)
    expect(await pruneIdempotencyKeys(db, t.clock, { batchSize: 10, batches: 2 })).toEqual({ deleted: 5 })
    expect(await keys()).toEqual(['fresh-return', 'in-progress'])
    expect(await pruneIdempotencyKeys(db, t.clock)).toEqual({ deleted: 0 })

    // The claim in use still holds its key (another body with it is refused, not saved); the retry
    // within the day still gets the stored answer.
    const duplicate = await api('POST', '/api/v1/returns', {
      token,
      body: { ...exampleSubmission, locationId: ids.homeA3, periodStart: '2020-04-14' },
      headers: { 'idempotency-key': 'in-progress' },
    })
    expect(duplicate.statusCode).toBe(422)
    const retry = await send(ids.homeA2!, 'fresh-return')
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.json()).toEqual(fresh.json())
  })

  it('runs as a scheduled job, under a lock of its own', () => {
    const jobs = scheduledJobs(t.services)
    expect(jobs.filter((j) => j.name === 'idempotency-keys-pruning')).toHaveLength(1)
    expect(new Set(jobs.map((j) => j.lockKey)).size).toBe(jobs.length)
  })
})
