import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { createDatabase } from '../src/db/database.ts'
import { periodContaining } from '../src/modules/returns/index.ts'
import type { Check, NationalMeasurement } from './national.ts'
import { profiling, serviceNodeFlags } from './node-flags.ts'
import { pacedLoad } from './paced-load.ts'
import { ownCpu, postgresCpu, processTreeCpu } from './process-cpu.ts'
import {
  apiTokensFor,
  bodiesFor,
  candidates,
  connections,
  drainRiskQueue,
  dropApiTokens,
  latencyText,
  notYetReported,
  perSecond,
  riskStateUpToDate,
  settle,
  tidyAsAutovacuumWould,
  statusText,
  summaryOf,
} from './submission-load.ts'
import { restore, type Snapshot, snapshot } from './submission-restore.ts'

// Issue 27, acceptance 1: the morning peak. CareHub as `npm start` runs it in production on
// PostgreSQL with one web worker per core (`WORKERS=auto`, src/workers.ts; the first worker runs every
// scheduled job), sent 1,000 distinct returns a second by care-record systems (API token and
// Idempotency-Key each). The national data has about 15,900 daily locations that can report "today",
// so the load lasts as many whole seconds as they allow, up to the issue's 60. The load generator runs
// on the same two cores as the app and PostgreSQL: the figure is what this machine can do, all in.

const here = path.dirname(fileURLToPath(import.meta.url))
const peakRate = 1_000
const wantedSeconds = 60
const warmupRequests = 2_000 // at half the rate: JIT and the pools' connections, not the steady state

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

// The real `carehub serve`, as `npm start` runs it (its Node flags from package.json), in production.
async function startCareHub(databaseUrl: string, log: (line: string) => void) {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    // BENCH_CHILD_CPU_PROF profiles the primary and each web worker (they inherit its flags).
    [...serviceNodeFlags, ...profiling, path.join(here, '..', 'bin', 'carehub.js'), 'serve'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        WORKERS: 'auto',
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        BASE_URL: `http://127.0.0.1:${port}`,
        COOKIE_SECRET: 'bench-cookie-secret-bench-cookie-secret',
        DATA_DIR: path.join(os.tmpdir(), 'carehub-bench-peak'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`carehub serve stopped (exit code ${child.exitCode})`)
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    if (performance.now() - started > 60_000) throw new Error('carehub serve was not ready within 60 s')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  log(`carehub serve with WORKERS=auto (${os.availableParallelism()} workers) ready on ${url}`)
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

export const morningPeakMeasurement: NationalMeasurement = {
  kind: 'national',
  id: 'morning-peak-national',
  title: `Morning peak: POST /api/v1/returns at ${peakRate.toLocaleString('en-GB')} requests/s, one web worker per core, every job running`,
  timed: `each request's response time from when it was due (bench/paced-load.ts: one undici pool of ${connections} keep-alive connections, ${peakRate.toLocaleString('en-GB')} requests/s offered, spread across each second, after ${warmupRequests.toLocaleString('en-GB')} at half the rate to warm up) against \`carehub serve\` with WORKERS=auto in production on PostgreSQL, every scheduled job running in its first worker as \`npm start\` runs them; the load generator shares the machine`,
  scale: 'national',
  days: 365,
  target: { p95Ms: 50, maxRatio: null },
  targetNote: `at ≥ ${peakRate.toLocaleString('en-GB')} requests/s for ${wantedSeconds} s, none over 500 ms`,
  async run({ databaseUrl, log }) {
    const db = createDatabase({ engine: 'postgres', url: databaseUrl, poolSize: 2 })
    const startedAt = new Date()
    const today = periodContaining('daily', startedAt).start
    let tokenIds: string[] = []
    let before: Snapshot | null = null
    let server: { stop: () => Promise<void> } | null = null
    try {
      await riskStateUpToDate(db, log)
      await tidyAsAutovacuumWould(db, log)
      const available = await notYetReported(db, today)
      const seconds = Math.min(wantedSeconds, Math.floor((available - warmupRequests) / peakRate))
      if (seconds < 5) throw new Error(`only ${available} locations can report today; reseed`)
      const locations = await candidates(db, today, warmupRequests + seconds * peakRate)
      before = await snapshot(
        db,
        locations.map((l) => l.id),
      )
      const made = await apiTokensFor(db, locations)
      tokenIds = made.tokenIds
      const jobs = bodiesFor(locations, made.tokens, today)
      log(`${jobs.length} distinct returns for ${today}: ${seconds} s at ${peakRate}/s after the warm-up`)

      const careHub = await startCareHub(databaseUrl, log)
      server = careHub
      const warmup = await pacedLoad(
        careHub.url,
        jobs.slice(0, warmupRequests),
        'peak warm-up',
        peakRate / 2,
        connections,
      )
      log(`warm-up: ${latencyText(warmup.samplesMs)}`)
      await settle()
      // CPU per return at the peak: the app's processes, every PostgreSQL process, this generator.
      const cpu = () => ({ app: processTreeCpu(careHub.pid), postgres: postgresCpu(), generator: ownCpu() })
      const cpuBefore = cpu()
      const peak = await pacedLoad(careHub.url, jobs.slice(warmupRequests), 'peak', peakRate, connections)
      const cpuAfter = cpu()
      const perReturn = (k: keyof typeof cpuBefore) =>
        Number((((cpuAfter[k] - cpuBefore[k]) * 1000) / peak.samplesMs.length).toFixed(2))
      const cpuMs = {
        app: perReturn('app'),
        postgres: perReturn('postgres'),
        generator: perReturn('generator'),
      }
      log(
        `CPU a return at the peak: app ${cpuMs.app} ms, PostgreSQL ${cpuMs.postgres} ms, generator ${cpuMs.generator} ms`,
      )
      const loadAverage = os.loadavg()
      log(
        `peak: ${latencyText(peak.samplesMs)} (load average ${loadAverage.map((l) => l.toFixed(1)).join(' ')})`,
      )
      await settle()
      const { queued, drainSeconds } = await drainRiskQueue(db, 60_000, 200)
      await careHub.stop()
      server = null

      const counted = async (audited: boolean) => {
        const { rows } = await sql<{ n: string }>`
          select count(*) as n from situation_returns r
          where period_start = ${today} and submitted_at >= ${startedAt}
            and ${audited ? sql`` : sql`not`} exists (select 1 from audit_events e
              where e.entity_type = 'situation-return' and e.entity_id = r.id::text)`.execute(db)
        return Number(rows[0]?.n)
      }
      const saved = await counted(true)
      const unaudited = await counted(false)
      const phases = [warmup, peak]
      const created = phases.reduce((n, p) => n + (p.statuses.get(201) ?? 0), 0)
      const allCreated = phases.every((p) => [...p.statuses.keys()].every((s) => s === 201))
      const achieved = perSecond([peak])
      const summary = summaryOf([peak])
      const checks: Check[] = [
        {
          name: 'requests/s sustained at the peak',
          target: `≥ ${peakRate} for ${wantedSeconds} s`,
          value: `${achieved.toFixed(0)} for ${peak.seconds.toFixed(0)} s`,
          pass: achieved >= peakRate * 0.95 && seconds >= wantedSeconds,
        },
        {
          name: 'longest response at the peak',
          target: '≤ 500 ms',
          value: `${summary.maxMs.toFixed(0)} ms (p99 ${summary.p99Ms.toFixed(1)} ms)`,
          pass: summary.maxMs <= 500,
        },
        {
          name: 'every request answered 201 and saved with its audit record',
          target: 'all',
          value: `${statusText(phases)} (warm-up included); ${saved} saved with their audit record, ${unaudited} without`,
          pass: allCreated && saved >= created && unaudited === 0,
        },
        {
          name: 'risk queue empty after the peak',
          target: '0 queued',
          value: `${queued} queued after ${drainSeconds.toFixed(1)} s`,
          pass: queued === 0,
        },
      ]
      if (peak.firstError) log(`first error: ${peak.firstError}`)
      return {
        app: summary,
        baseline: null,
        checks,
        figures: {
          offeredRate: peakRate,
          seconds: Number(peak.seconds.toFixed(1)),
          requestsPerSecond: Number(achieved.toFixed(1)),
          p99Ms: Number(summary.p99Ms.toFixed(1)),
          maxMs: Number(summary.maxMs.toFixed(1)),
          workers: os.availableParallelism(),
          statuses: statusText(phases),
          firstError: peak.firstError,
          riskQueueDrainSeconds: Number(drainSeconds.toFixed(1)),
          loadAverage1m: Number(loadAverage[0]!.toFixed(2)),
          appCpuMsPerReturn: cpuMs.app,
          postgresCpuMsPerReturn: cpuMs.postgres,
          generatorCpuMsPerReturn: cpuMs.generator,
          period: today,
        },
      }
    } finally {
      if (server) await server.stop()
      if (before)
        await restore(db, before, today, startedAt).then(
          (done) => log(`put back: ${done}`),
          (e: unknown) => log(`cleanup: ${String(e)}`),
        )
      await dropApiTokens(db, tokenIds, log)
      await db.destroy()
    }
  },
}
