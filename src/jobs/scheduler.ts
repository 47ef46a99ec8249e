import { sql } from 'kysely'
import type { Db } from '../db/database.ts'

export type Job = {
  name: string
  lockKey: number
  intervalSeconds: number
  run: (db: Db) => Promise<unknown>
}

// In-process scheduler. Each run takes a Postgres advisory lock, so with several app instances only one
// runs a job at a time; rows are claimed with FOR UPDATE SKIP LOCKED inside the job as well.
// `firstRunInMs`: when the first round runs (each job then every interval); at once by default.
export function startScheduler(
  db: Db,
  jobs: Job[],
  log: { error: (o: object, m: string) => void },
  { firstRunInMs = 0 }: { firstRunInMs?: number } = {},
) {
  const timers: NodeJS.Timeout[] = []
  const running = new Set<string>()
  let stopped = false

  async function runOnce(job: Job) {
    if (running.has(job.name) || stopped) return
    running.add(job.name)
    try {
      await db.connection().execute(async (conn) => {
        const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${job.lockKey}) as ok`.execute(
          conn,
        )
        if (!locked.rows[0]?.ok) return
        try {
          // The job works on the same connection: the embedded database has only one.
          await job.run(conn)
        } finally {
          await sql`select pg_advisory_unlock(${job.lockKey})`.execute(conn)
        }
      })
    } catch (error) {
      log.error({ err: error, job: job.name }, 'scheduled job failed')
    } finally {
      running.delete(job.name)
    }
  }

  const start = () => {
    for (const job of jobs) {
      timers.push(setInterval(() => void runOnce(job), job.intervalSeconds * 1000))
      void runOnce(job)
    }
  }
  if (firstRunInMs > 0) timers.push(setTimeout(start, firstRunInMs))
  else start()
  return {
    async stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      while (running.size) await new Promise((r) => setTimeout(r, 50))
    },
  }
}
