import { load } from 'cheerio'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../../src/db/database.ts'
import { startScheduler } from '../../src/jobs/scheduler.ts'
import { exampleSubmission } from '../../src/modules/api/index.ts'
import { scheduledJobs } from '../../src/modules.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// Issue 15, acceptance 1: the database goes away in the middle of a submission load and comes back.
// The app reaches PostgreSQL through a proxy this test starts on loopback; mid-load every one of the
// app's server processes is terminated (as a restart does: "terminating connection due to administrator
// command"), then the proxy drops every connection and refuses new ones for a while (as when a proxy
// or the network between them dies), then it is restored. Only this test's own database is touched.
const adminUrl = process.env.TEST_DATABASE_URL
const appName = 'carehub-outage-test'
const outageMs = 1_500
const workers = 6
const pauseMs = 40

type Answer = { key: string; body: unknown; status: number; headers: Record<string, unknown>; json: unknown }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!adminUrl)(
  'a database outage under API load (PostgreSQL only: skipped unless TEST_DATABASE_URL is set)',
  () => {
    let t: TestApp
    let proxy: TcpProxy
    const cqcIds: string[] = []
    let token = ''
    let manager: TestClient
    let scheduler: ReturnType<typeof startScheduler> | undefined
    const crashes: unknown[] = []
    const onCrash = (error: unknown) => crashes.push(error)

    beforeAll(async () => {
      process.on('uncaughtException', onCrash)
      process.on('unhandledRejection', onCrash)
      const target = new URL(adminUrl!)
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
      t = await buildTestApp(
        'postgres',
        {},
        {
          db: (database) => {
            const url = new URL(database.url!)
            url.host = `127.0.0.1:${proxy.port}`
            url.searchParams.set('application_name', appName)
            return createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 })
          },
        },
      )
      const db = t.database.db
      const council = await createOrganisation(db, 'council', 'Outage Council', { onsCode: 'E10000081' })
      const provider = await createProvider(db, 'Steady Care Ltd')
      const providerOrg = await createOrganisation(db, 'provider', 'Steady Care Ltd', {
        providerId: provider,
      })
      const ids: string[] = []
      for (let i = 0; i < 500; i += 10) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, () => createLocation(db, provider, council, { beds: 40 })),
          )),
        )
      }
      const rows = await db.selectFrom('locations').select(['id', 'cqcLocationId']).execute()
      const cqcById = new Map(rows.map((r) => [r.id, r.cqcLocationId!]))
      cqcIds.push(...ids.map((id) => cqcById.get(id)!))
      const user = await createUser(db, providerOrg, 'provider_manager')
      manager = new TestClient(t.app)
      await manager.signIn(user.email)
      await manager.get('/api-tokens')
      token = load((await manager.post('/api-tokens', { name: 'Care records system' })).body)('#api-token')
        .text()
        .trim()
      expect(token).not.toBe('')
    }, 120_000)

    afterAll(async () => {
      await scheduler?.stop()
      await t?.close()
      await proxy?.close()
      process.off('uncaughtException', onCrash)
      process.off('unhandledRejection', onCrash)
    })

    const submit = async (key: string, body: unknown): Promise<Answer> => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/returns',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        payload: JSON.stringify(body),
      })
      let json: unknown = null
      try {
        json = response.json()
      } catch {}
      return { key, body, status: response.statusCode, headers: response.headers, json }
    }

    // Ends the app's own server processes (never anyone else's), from an admin connection of the test's
    // own, while the requests in flight are between the claim of their Idempotency-Key and the save of
    // their return: the save waits for a lock the admin connection holds, so that the failed requests'
    // keys are left claimed, as they are when a restart comes at the wrong moment.
    const terminateAppBackendsMidSave = async () => {
      const admin = new pg.Client({ connectionString: t.database.url! })
      await admin.connect()
      await admin.query('begin')
      await admin.query('lock table situation_returns in exclusive mode')
      await sleep(300)
      const { rows } = await admin.query(
        `select pg_terminate_backend(pid) as done from pg_stat_activity
         where datname = current_database() and application_name = $1`,
        [appName],
      )
      await admin.query('rollback')
      await admin.end()
      return rows.length
    }

    it('stays up, answers 201 or a retryable 503, and takes every retry after it', async () => {
      // Every background job runs meanwhile, as in the service (a failed run is logged: here, dropped).
      scheduler = startScheduler(t.services.db, scheduledJobs(t.services), {
        error: () => {},
      })
      const answers: Answer[] = []
      let next = 0
      let stop = false
      const worker = async () => {
        while (!stop && next < cqcIds.length) {
          const n = next++
          answers.push(await submit(`outage-${n}`, { ...exampleSubmission, locationId: cqcIds[n] }))
          await sleep(pauseMs)
        }
      }
      const traffic = Promise.all(Array.from({ length: workers }, worker))

      // Some answers before the outage: at least half a second of traffic, longer on a busy machine
      // where the first answers come late (up to 10 s).
      await sleep(500)
      for (let waited = 500; answers.length === 0 && waited < 10_000; waited += 100) await sleep(100)
      const beforeOutage = answers.length
      expect(await terminateAppBackendsMidSave()).toBeGreaterThan(0)
      await sleep(100)
      await proxy.cut()
      await sleep(200)
      const page = await manager.get('/')
      await sleep(outageMs - 200)
      await proxy.restore()
      await sleep(1_000)
      stop = true
      await traffic

      // The process stays up: no error went unhandled (without this spy, the first one ends it).
      expect.soft(crashes.map(String)).toEqual([])
      expect(beforeOutage).toBeGreaterThan(0)
      const statuses = new Set(answers.map((a) => a.status))
      expect.soft([...statuses].sort()).toEqual([201, 503])

      // The web page in the outage: the GOV.UK "service unavailable" page, with when to try again.
      expect.soft(page.statusCode).toBe(503)
      expect.soft(page.headers['retry-after']).toMatch(/^\d+$/)
      expect.soft(load(page.body)('h1').text()).toContain('Sorry, the service is unavailable')

      // Every 503 is a problem the client can retry, and says when.
      const refused = answers.filter((a) => a.status !== 201)
      const retryable = (a: Answer) =>
        a.status === 503 &&
        /^\d+$/.test(String(a.headers['retry-after'])) &&
        /^application\/problem\+json/.test(String(a.headers['content-type'])) &&
        (a.json as { type?: string; status?: number }).status === 503 &&
        /#service-unavailable$/.test(String((a.json as { type?: string }).type))
      expect(refused.length).toBeGreaterThan(0)
      expect.soft(refused.filter((a) => !retryable(a)).map((a) => [a.status, a.json])).toEqual([])
      // Every 201 is in the database.
      const created = answers.filter((a) => a.status === 201)
      const ids = created.map((a) => (a.json as { id: string }).id)
      const saved = await t.database.db
        .selectFrom('situationReturns')
        .select('id')
        .where('id', 'in', ids)
        .execute()
      expect(saved.length).toBe(ids.length)

      // After it, each refused request sent again with its key is answered: saved now, or the replay of
      // the 201 it had in fact been given in the database (a commit whose answer was lost).
      const retried = new Map<number, number>()
      for (const a of refused) {
        const retry = await submit(a.key, a.body)
        retried.set(retry.status, (retried.get(retry.status) ?? 0) + 1)
      }
      expect(Object.fromEntries(retried)).toEqual({ 201: refused.length })
      // One return each, as many as were sent: none lost, none twice.
      const sent = answers.map((a) => (a.body as { locationId: string }).locationId)
      const perLocation = await t.database.db
        .selectFrom('situationReturns')
        .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
        .select((eb) => ['locations.cqcLocationId', eb.fn.countAll<string>().as('n')])
        .where('locations.cqcLocationId', 'in', sent)
        .groupBy('locations.cqcLocationId')
        .execute()
      expect(perLocation.length).toBe(sent.length)
      expect(perLocation.every((r) => Number(r.n) === 1)).toBe(true)

      // The background jobs carried on: the risk queue the API's returns filled is worked off.
      for (let i = 0; i < 50; i++) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from risk_queue`.execute(t.database.db)
        if (Number(rows[0]!.n) === 0) break
        await sleep(200)
      }
      const { rows } = await sql<{ n: string }>`select count(*) as n from risk_queue`.execute(t.database.db)
      expect(Number(rows[0]!.n)).toBe(0)
      expect(crashes).toEqual([])
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    })
  },
)

// The release a failed request makes (at once, or later when the database was away) removes that
// request's own claim only: never a later claim of the same key, nor an answer already stored.
describe.each(engines)('releasing a failed request’s Idempotency-Key on %s', (engine) => {
  let t: TestApp

  afterAll(async () => {
    await t?.close()
  })

  it('removes only that request’s own claim, still pending', async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const provider = await createProvider(db, 'Careful Care Ltd')
    const providerOrg = await createOrganisation(db, 'provider', 'Careful Care Ltd', { providerId: provider })
    const user = await createUser(db, providerOrg, 'provider_manager')
    const made = await t.services.api.createToken(
      {
        userId: user.id,
        role: 'provider_manager',
        organisationId: providerOrg,
        organisationKind: 'provider',
        councilIds: [],
        providerId: provider,
      },
      'Care records system',
    )
    if (!made?.ok) throw new Error('the token was not made')
    const api = t.services.api
    const claimOf = () =>
      db
        .selectFrom('idempotencyKeys')
        .select(['statusCode', 'createdAt'])
        .where('tokenId', '=', made.id)
        .where('key', '=', 'key-1')
        .executeTakeFirst()

    const failed = new Date('2020-04-14T08:00:00Z')
    expect(await api.claimIdempotencyKey(made.id, 'key-1', 'hash', failed)).toEqual({ kind: 'claimed' })
    // Six minutes on, a retry takes the abandoned claim over; the first request's release comes after.
    const retried = new Date('2020-04-14T08:06:00Z')
    expect(await api.claimIdempotencyKey(made.id, 'key-1', 'hash', retried)).toEqual({ kind: 'claimed' })
    await api.releaseIdempotencyKey(made.id, 'key-1', failed)
    expect(new Date((await claimOf())!.createdAt).toISOString()).toBe(retried.toISOString())

    await api.releaseIdempotencyKey(made.id, 'key-1', retried)
    expect(await claimOf()).toBeUndefined()

    // An answer stored for the key stays, whoever releases it.
    const answered = new Date('2020-04-14T08:07:00Z')
    expect(await api.claimIdempotencyKey(made.id, 'key-1', 'hash', answered)).toEqual({ kind: 'claimed' })
    await api.completeIdempotencyKey(made.id, 'key-1', 422, { status: 422 })
    await api.releaseIdempotencyKey(made.id, 'key-1', answered)
    expect(await claimOf()).toMatchObject({ statusCode: 422 })
  })
})
