import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import pg from 'pg'
import { createApp } from '../src/app.ts'
import { composeFromConfig } from '../src/composition.ts'
import { loadConfig } from '../src/config.ts'
import { idleConnectionMs } from '../src/db/database.ts'
import { type Job, startScheduler } from '../src/jobs/scheduler.ts'
import { scheduledJobs } from '../src/modules.ts'

// The two servers of the submission measurement, each in a process of its own (forked with the mode and
// the database URL): `app` is CareHub as deployed (production settings, the default pool of 10
// connections, request logging at info, and every scheduled job at its production interval, as
// `npm start` runs them: issue 27's stall came from a job); `baseline` is a bare Fastify route doing one INSERT of the same
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
  // Every job runs beside the server as in `npm start` (src/main.ts), at the same intervals; each run is
  // told to the parent (name, start, duration), so that it can say which jobs ran during each load.
  const told = (job: Job): Job => ({
    ...job,
    run: async (db) => {
      const startedAt = Date.now()
      try {
        return await job.run(db)
      } finally {
        process.send?.({ job: job.name, startedAt, ms: Date.now() - startedAt })
      }
    },
  })
  const jobs = scheduledJobs(services)
  const scheduler = startScheduler(services.db, jobs.map(told), app.log)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    jobs: jobs.map((j) => `${j.name} (${j.intervalSeconds} s)`),
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
  return { app, jobs: [] as string[], close: () => pool.end() }
}

const server = mode === 'app' ? await startApp() : await startBaseline()
process.send!({ port: (server.app.server.address() as { port: number }).port, jobs: server.jobs })
// If the bench stops, so does the server.
process.once('disconnect', () => process.exit(0))
process.once('message', async () => {
  await server.app.close()
  await server.close()
  process.exit(0)
})
