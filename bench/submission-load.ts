import { type ChildProcess, fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import type { NationalLocation } from '../src/db/seed/national-data.ts'
import { returnValuesFor } from '../src/db/seed/national-returns.ts'
import { createRng } from '../src/db/seed/national-rng.ts'
import { systemClock } from '../src/domain/clock.ts'
import type { ServiceType } from '../src/domain/service-types.ts'
import { newToken, tokenHash } from '../src/modules/access/credentials.ts'
import { recomputeAll } from '../src/modules/early-warning/index.ts'
import { latencySummary } from './national.ts'

// What both submission measurements share (the 200/s one with its baseline, api-submission.national.ts,
// and the morning peak, morning-peak.national.ts): the servers, the paced load, the returns to send
// and the figures read off the database while a phase runs.
const here = path.dirname(fileURLToPath(import.meta.url))
// BENCH_SAMPLES_FILE=<file>: every response of the run as a line (phase, milliseconds since the
// measurement started, response time), to see when in a phase the slow ones fall.
const samplesFile = process.env.BENCH_SAMPLES_FILE
const sampleLines: string[] = []
const runStarted = performance.now()
process.on('exit', () => {
  if (samplesFile && sampleLines.length) writeFileSync(samplesFile, sampleLines.join('\n'))
})
export const connections = 50

export type Job = { body: string; token: string; userId: string }
export type JobRun = { job: string; startedAt: number; ms: number }

// The app's jobs whose runs overlapped a phase: how many runs and their longest, e.g.
// "dashboard-rollup ×1 (longest 1,830 ms), risk-queue ×12 (longest 40 ms)".
export function jobsDuring(runs: JobRun[], phase: Phase): string {
  const during = new Map<string, { n: number; longest: number }>()
  for (const r of runs) {
    if (r.startedAt > phase.to || r.startedAt + r.ms < phase.from) continue
    const d = during.get(r.job) ?? { n: 0, longest: 0 }
    during.set(r.job, { n: d.n + 1, longest: Math.max(d.longest, r.ms) })
  }
  return (
    [...during]
      .map(([name, d]) => `${name} ×${d.n} (longest ${d.longest.toLocaleString('en-GB')} ms)`)
      .join(', ') || 'none'
  )
}

// p50/p95/p99/max of a phase's responses and how many took over 500 ms (issue 27's stalls were over 0.8 s).
export function latencyText(samplesMs: number[]) {
  const l = latencySummary(samplesMs)
  const slow = samplesMs.filter((v) => v > 500).length
  return `p50 ${l.p50Ms.toFixed(1)}, p95 ${l.p95Ms.toFixed(1)}, p99 ${l.p99Ms.toFixed(1)}, max ${l.maxMs.toFixed(0)} ms, ${slow} over 500 ms`
}

export type Phase = {
  name: string
  // Wall-clock start and end (ms since the epoch), to tell which jobs ran during it.
  from: number
  to: number
  samplesMs: number[]
  statuses: Map<number, number>
  seconds: number
  firstError: string | null
}

// A load phase as it starts: nothing answered yet.
export function newPhase(name: string): Phase {
  return { name, from: Date.now(), to: 0, samplesMs: [], statuses: new Map(), seconds: 0, firstError: null }
}

export async function startServer(mode: 'app' | 'baseline', databaseUrl: string) {
  const child: ChildProcess = fork(path.join(here, 'submission-servers.ts'), [mode, databaseUrl], {
    // BENCH_CPU_PROF=<folder> profiles the app's process (written when it stops).
    execArgv: [
      ...process.execArgv,
      ...(mode === 'app' && process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  // The app's scheduled jobs tell each run (name, start, duration) as they finish.
  const jobRuns: JobRun[] = []
  const { port, jobs } = await new Promise<{ port: number; jobs: string[] }>((resolve, reject) => {
    child.on('message', (m: { port: number; jobs: string[] } | JobRun) => {
      if ('job' in m) jobRuns.push(m)
      else resolve(m)
    })
    child.once('exit', (code) => reject(new Error(`the ${mode} server stopped (exit code ${code})`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    jobRuns,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

// autocannon paces a rate per connection and per second: each connection sends its share of the second
// back to back as soon as the second starts, so 200 requests/s over 50 connections arrive as 200 at once
// each second and the latency measured is mostly the queue of that burst (a bare INSERT then shows a
// p95 of 80 ms at a quarter of its capacity). At a rate, each connection is therefore an autocannon
// instance of its own, started 1/50 of a second after the one before: the same 50 connections and 200
// requests a second, spread across the second as real clients' requests are. Without a rate, one
// instance with all 50 connections sends as fast as the server answers (the capacity phase).
export async function load(
  url: string,
  jobs: Job[],
  name: string,
  overallRate: number | null,
): Promise<Phase> {
  let next = 0
  const phase = newPhase(name)
  const started = performance.now()
  const instance = (amount: number, connectionCount: number, perConnectionRate: number | null) => {
    const tracker = autocannon({
      url,
      connections: connectionCount,
      amount,
      ...(perConnectionRate ? { connectionRate: perConnectionRate } : {}),
      requests: [
        {
          method: 'POST',
          path: '/api/v1/returns',
          setupRequest: (request) => {
            const job = jobs[Math.min(next++, jobs.length - 1)]!
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${job.token}`,
                'idempotency-key': randomUUID(),
                'x-bench-user': job.userId,
              },
              body: job.body,
            }
          },
          onResponse: (status, body) => {
            if (status >= 300 && phase.firstError === null)
              phase.firstError = `${status} ${body.slice(0, 500)}`
          },
        },
      ],
    })
    // Without a callback autocannon returns its tracker, an EventEmitter that is also a promise.
    ;(tracker as unknown as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        phase.samplesMs.push(responseTime)
        if (samplesFile)
          sampleLines.push(`${name}\t${(performance.now() - runStarted).toFixed(0)}\t${responseTime}`)
        phase.statuses.set(statusCode, (phase.statuses.get(statusCode) ?? 0) + 1)
      },
    )
    return tracker as unknown as Promise<unknown>
  }
  if (!overallRate) await instance(jobs.length, connections, null)
  else {
    const perConnection = overallRate / connections
    const runs: Promise<unknown>[] = []
    for (let c = 0; c < connections; c++) {
      const amount = Math.floor(jobs.length / connections) + (c < jobs.length % connections ? 1 : 0)
      if (amount > 0) runs.push(instance(amount, 1, perConnection))
      await new Promise((resolve) => setTimeout(resolve, 1000 / connections))
    }
    await Promise.all(runs)
  }
  // The last connection starts (connections - 1) / connections of a second after the first, by design:
  // the rate sustained is over the time the 50 connections were all sending.
  const stagger = overallRate ? (connections - 1) / connections : 0
  phase.seconds = (performance.now() - started) / 1000 - stagger
  phase.to = Date.now()
  return phase
}

export type Candidate = {
  id: string
  serviceType: ServiceType
  registeredBeds: number | null
  peopleSupported: number | null
  providerId: string
  userId: string
  // Staff employed as the location's latest return gave it: a home's headcount does not change overnight.
  staffEmployed: number | null
}

export async function candidates(db: Db, today: string, needed: number): Promise<Candidate[]> {
  const rows = await sql<Candidate>`
    select l.id, l.service_type as "serviceType", l.registered_beds as "registeredBeds",
      l.people_supported as "peopleSupported", l.provider_id as "providerId", u.id as "userId",
      (select (r.values->>'staffEmployed')::int from situation_returns r
        where r.location_id = l.id and r.is_current and r.values->>'staffEmployed' is not null
        order by r.period_start desc limit 1) as "staffEmployed"
    from locations l
    join organisations o on o.provider_id = l.provider_id
    join users u on u.organisation_id = o.id and u.role = 'provider_manager' and u.status = 'active'
    where l.status = 'open'
      and l.service_type in ('care_home_nursing', 'care_home_residential', 'supported_living', 'extra_care')
      and not exists (select 1 from situation_returns r where r.location_id = l.id and r.period_start = ${today})
    order by l.cqc_location_id
    limit ${needed}`.execute(db)
  if (rows.rows.length < needed)
    throw new Error(
      `only ${rows.rows.length} daily locations have not reported today (${today}); the measurement needs ${needed}. Reseed: npm run bench -- --reseed`,
    )
  return rows.rows
}

export const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000))

// What the server did while a phase ran (cumulative counters, read before and after): the WAL written,
// how much of it was full-page images (a page's first change after a checkpoint logs the whole page),
// and checkpoints, to tell a slow phase's cause in the log.
export type ServerActivity = {
  walBytes: number
  walFpi: number
  walSyncs: number
  checkpoints: number
  buffersCheckpoint: number
  buffersBackend: number
}

export async function serverActivity(db: Db): Promise<ServerActivity> {
  const { rows } = await sql<Record<keyof ServerActivity, string>>`
    select w.wal_bytes as "walBytes", w.wal_fpi as "walFpi", w.wal_sync as "walSyncs",
      b.checkpoints_timed + b.checkpoints_req as checkpoints, b.buffers_checkpoint as "buffersCheckpoint",
      b.buffers_backend as "buffersBackend"
    from pg_stat_wal w, pg_stat_bgwriter b`.execute(db)
  const r = rows[0]!
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as ServerActivity
}

export const activityText = (before: ServerActivity, after: ServerActivity, requests: number) => {
  const d = (k: keyof ServerActivity) => after[k] - before[k]
  return `WAL ${(d('walBytes') / requests / 1024).toFixed(1)} kB a request (${d('walFpi')} full-page images), ${d('walSyncs')} WAL syncs, ${d('checkpoints')} checkpoints (${d('buffersCheckpoint')} buffers written by checkpoints, ${d('buffersBackend')} by backends)`
}

// The risk state a live service has at any morning: the 15-minute risk-recompute job (and the risk
// queue after each return) have run the rules over every location's returns. A seeded database has
// never had them run, so a location's first return would raise every alert its history holds at once,
// and the service's start would run that first recompute for all 27,000 locations in the middle of the
// load. Committed once; afterwards it finds nothing to change. Not timed.
export async function riskStateUpToDate(db: Db, log: (line: string) => void) {
  const started = performance.now()
  const result = await recomputeAll(db, systemClock)
  log(
    `risk state brought up to date as the risk-recompute job keeps it, in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(result)}`,
  )
}

// The tables the service's returns and jobs churn (rows updated and deleted all day): a production
// server's autovacuum keeps their dead rows cleared and their statistics fresh. This machine's server
// runs with autovacuum off (its CI configuration), so without this the planner reads an empty alerts
// table's statistics against tens of thousands of open alerts, and every run's deletions pile up.
const churnedTables = [
  'alerts',
  'alert_events',
  'cases',
  'case_events',
  'location_risk',
  'risk_queue',
  'dashboard_stale',
  'dashboard_rebuilding',
  'dashboard_days_built',
  'dashboard_daily',
  'dashboard_council_daily',
  'idempotency_keys',
  'api_tokens',
  'return_risk_figures',
  'welfare_cancellations',
]

export async function tidyAsAutovacuumWould(db: Db, log: (line: string) => void) {
  const { rows } = await sql<{ autovacuum: string }>`show autovacuum`.execute(db)
  const started = performance.now()
  await sql`vacuum (analyze) ${sql.join(churnedTables.map((t) => sql.table(t)))}`.execute(db)
  log(
    `vacuumed and analysed the ${churnedTables.length} tables the service churns in ${((performance.now() - started) / 1000).toFixed(1)} s (the server's autovacuum is ${rows[0]?.autovacuum})`,
  )
}

export async function queuedLocations(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from risk_queue`.execute(db)
  return Number(rows[0]?.n)
}

export async function notYetReported(db: Db, today: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from locations l
    where l.status = 'open'
      and l.service_type in ('care_home_nursing', 'care_home_residential', 'supported_living', 'extra_care')
      and not exists (select 1 from situation_returns r where r.location_id = l.id and r.period_start = ${today})`.execute(
    db,
  )
  return Number(rows[0]?.n)
}

export function bodiesFor(locations: Candidate[], tokens: Map<string, string>, today: string): Job[] {
  const rng = createRng(4)
  return locations.map((l) => {
    const location = {
      ...l,
      // The staff the location has been reporting, as a real morning's return would give (a made-up
      // figure would move every location's absence rate, and raise or resolve its alerts, at once).
      staff: l.staffEmployed ?? Math.max(5, Math.round((l.registeredBeds ?? l.peopleSupported ?? 20) * 1.1)),
    } as unknown as NationalLocation
    const values = returnValuesFor(location, 0, { outbreaks: [], shortages: [], previous: null }, rng)
    // The API takes choices as arrays.
    const api = {
      ...values,
      helpRequested: values.helpRequested ? String(values.helpRequested).split(',') : null,
    }
    return {
      body: JSON.stringify({ locationId: l.id, periodStart: today, values: api }),
      token: tokens.get(l.providerId) ?? 'none',
      userId: l.userId,
    }
  })
}

export const summaryOf = (phases: Phase[]) => latencySummary(phases.flatMap((p) => p.samplesMs))
export const perSecond = (phases: Phase[]) =>
  phases.reduce((n, p) => n + p.samplesMs.length, 0) / phases.reduce((s, p) => s + p.seconds, 0)

export function statusText(phases: Phase[]) {
  const all = new Map<number, number>()
  for (const p of phases) for (const [s, n] of p.statuses) all.set(s, (all.get(s) ?? 0) + n)
  return [...all].map(([s, n]) => `${s}: ${n}`).join(', ')
}

// One API token per provider of the locations, made as a provider manager would (only the hash is
// stored): the tokens by provider, and the ids to delete afterwards.
export async function apiTokensFor(db: Db, locations: Candidate[]) {
  const tokens = new Map<string, string>()
  const tokenRows = [...new Map(locations.map((l) => [l.providerId, l.userId]))].map(
    ([providerId, userId]) => {
      const token = `chub_${newToken()}`
      tokens.set(providerId, token)
      return {
        providerId,
        createdBy: userId,
        tokenHash: tokenHash(token),
        tokenHint: token.slice(-4),
        name: 'Benchmark',
      }
    },
  )
  const tokenIds: string[] = []
  for (let i = 0; i < tokenRows.length; i += 1000) {
    const ids = await db
      .insertInto('apiTokens')
      .values(tokenRows.slice(i, i + 1000))
      .returning('id')
      .execute()
    tokenIds.push(...ids.map((r) => r.id))
  }
  return { tokens, tokenIds, providers: tokenRows.length }
}

// Deletes the run's API tokens and their idempotency keys (a failure is reported, not thrown).
export async function dropApiTokens(db: Db, tokenIds: string[], log: (line: string) => void) {
  if (!tokenIds.length) return
  await db
    .deleteFrom('idempotencyKeys')
    .where('tokenId', 'in', tokenIds)
    .execute()
    .catch((e: unknown) => log(`cleanup: ${String(e)}`))
  await db
    .deleteFrom('apiTokens')
    .where('id', 'in', tokenIds)
    .execute()
    .catch((e: unknown) => log(`cleanup: ${String(e)}`))
}

// Waits (up to `limitMs`) for the app's risk-queue job to work through the queue the returns filled:
// how many locations are still queued, and after how many seconds.
export async function drainRiskQueue(db: Db, limitMs: number, pollMs: number) {
  const started = performance.now()
  let queued = await queuedLocations(db)
  while (queued > 0 && performance.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs))
    queued = await queuedLocations(db)
  }
  return { queued, drainSeconds: (performance.now() - started) / 1000 }
}
