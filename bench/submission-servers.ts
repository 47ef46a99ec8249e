import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import pg from 'pg'
import { createApp } from '../src/app.ts'
import { composeFromConfig } from '../src/composition.ts'
import { loadConfig } from '../src/config.ts'
import { idleConnectionMs } from '../src/db/database.ts'
import { startScheduler } from '../src/jobs/scheduler.ts'
import { riskQueueJob } from '../src/modules/early-warning/index.ts'

// The two servers of the submission measurement, each in a process of its own (forked with the mode and
// the database URL): `app` is CareHub as deployed (production settings, the default pool of 10
// connections, request logging at info, and the risk-queue job); `baseline` is a bare Fastify route doing one INSERT of the same
// row through a pg pool of the same size and idle time-out, with the same logging. Each tells the parent its port.

const [mode, databaseUrl] = process.argv.slice(2)
const poolSize = 10
const logger = { level: 'info' } as const

async function startApp() {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(poolSize),
    BASE_URL: 'http://127.0.0.1',
    COOKIE_SECRET: 'bench-cookie-secret-bench-cookie-secret',
    DATA_DIR: path.join(os.tmpdir(), 'carehub-bench-app'),
    PORT: '0',
  })
  const services = await composeFromConfig(config)
  const app = await createApp(services, { logger })
  // The job that the API's returns leave work for (their risk rules, a batch a second) runs beside the
  // server, as in `npm start`; the other jobs do not depend on the submissions.
  const scheduler = startScheduler(services.db, [riskQueueJob(services)], app.log)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    close: async () => {
      await scheduler.stop()
      await services.db.destroy()
    },
  }
}

async function startBaseline() {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    idleTimeoutMillis: idleConnectionMs,
  })
  const app = Fastify({ logger, bodyLimit: 1_048_576 })
  app.post<{ Body: { locationId: string; periodStart: string; values: Record<string, unknown> } }>(
    '/api/v1/returns',
    async (request, reply) => {
      const { locationId, periodStart, values } = request.body
      const { rows } = await pool.query(
        `insert into situation_returns (location_id, frequency, period_start, version, is_current, dataset_version,
           values, source, timing, submitted_by, submitted_at)
         values ($1, 'daily', $2, 1, true, 1, $3, 'api', 'on-time', $4, now()) returning id, version`,
        [locationId, periodStart, JSON.stringify(values), request.headers['x-bench-user'] ?? null],
      )
      return reply.code(201).send({ id: rows[0].id, locationId, periodStart, version: rows[0].version })
    },
  )
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, close: () => pool.end() }
}

const server = mode === 'app' ? await startApp() : await startBaseline()
process.send!({ port: (server.app.server.address() as { port: number }).port })
// If the bench stops, so does the server.
process.once('disconnect', () => process.exit(0))
process.once('message', async () => {
  await server.app.close()
  await server.close()
  process.exit(0)
})
