import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { cookieSecretFor } from './composition.ts'
import type { Config } from './config.ts'
import { createDatabase, databaseTargetFromConfig } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { serve } from './main.ts'

// One web worker per core (WORKERS=auto, or a number), on PostgreSQL only: one Node process uses one
// core, and at the morning peak the app's thread, not the database, is what runs out. The first
// process (the primary) migrates the database once and starts the workers, which share the port
// (node:cluster hands each new connection to the next worker). Only the first worker runs the
// scheduler's jobs: they are safe across instances anyway (each claims its work in the database), but
// running them once spares the claims. A worker that dies is replaced, in the same role.

export function workerCount(config: Config): number {
  if (config.workers === 'auto') return availableParallelism()
  return config.workers
}

const roleVariable = 'CAREHUB_WORKER_RUNS_JOBS'

export async function serveWithWorkers(config: Config) {
  if (cluster.isWorker) {
    await serve(config, { migrate: false, jobs: process.env[roleVariable] === 'true', banner: false })
    return
  }
  const count = workerCount(config)
  // Every worker signs cookies with the same secret: made (or read) once, before any starts.
  cookieSecretFor(config)
  const db = createDatabase(databaseTargetFromConfig(config))
  try {
    const applied = await migrateToLatest(db)
    if (applied.length) console.log(`Database migrated: ${applied.join(', ')}`)
  } finally {
    await db.destroy()
  }

  let stopping = false
  const roles = new Map<Worker, boolean>()
  const start = (runsJobs: boolean) => {
    const worker = cluster.fork({ [roleVariable]: String(runsJobs) })
    roles.set(worker, runsJobs)
    return worker
  }
  cluster.on('exit', (worker, code, signal) => {
    const runsJobs = roles.get(worker) ?? false
    roles.delete(worker)
    if (stopping) {
      if (roles.size === 0) process.exit(0)
      return
    }
    console.error(`A web worker stopped (${signal ?? `exit code ${code}`}); starting another.`)
    start(runsJobs)
  })
  const listening = Array.from(
    { length: count },
    (_, i) => new Promise<void>((resolve) => start(i === 0).once('listening', () => resolve())),
  )
  await Promise.all(listening)
  console.log(
    [
      '',
      `CareHub is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} with ${count} web workers`,
      'Database: PostgreSQL',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  )
  const shutdown = () => {
    if (stopping) return
    stopping = true
    // Each worker closes its server, its jobs and its pool on SIGTERM (serve's own shutdown).
    for (const worker of roles.keys()) worker.process.kill('SIGTERM')
    setTimeout(() => process.exit(0), 10_000).unref()
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}
