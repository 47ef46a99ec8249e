import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scale } from '../src/db/seed/national-data.ts'
import { monoMs } from './clock.ts'
import { childExecArgv } from './node-flags.ts'

// Measurements against the shared national database (see bench/README.md). Each runs in a process of
// its own (bench/national-child.ts) against carehub_bench_<scale>_<days>, seeded once and reused; those
// with engine 'pglite' against a PGlite data directory seeded the same way (bench/seeded-pglite.ts).

export type NationalContext = {
  // The seeded database: connect with createDatabase({ engine: 'postgres', url: databaseUrl }).
  // Empty for a PGlite measurement.
  databaseUrl: string
  // A PGlite measurement's seeded data directory: createDatabase({ engine: 'pglite', dataDir }).
  dataDir?: string
  log: (line: string) => void
}

// An extra target beside p95 and the ratio, e.g. requests per second sustained.
export type Check = { name: string; target: string; value: string; pass: boolean }

// p99 beside p95 and the longest (issue 27: a stall a minute hid behind a fine p95).
export type LatencySummary = { count: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number }

export type NationalResult = {
  app: LatencySummary
  baseline: LatencySummary | null
  checks: Check[]
  // Anything else worth keeping in the JSON and the notes (rates, row counts, peak RSS).
  figures: Record<string, unknown>
}

export type NationalMeasurement = {
  kind: 'national'
  id: string
  title: string
  // What one timed call covers, and what the baseline is, in a sentence each for the notes.
  timed: string
  baselineTimed?: string
  // Where it runs: the seeded PostgreSQL database (the default) or a seeded PGlite data directory.
  engine?: 'postgres' | 'pglite'
  scale: Scale
  days: number
  target: {
    p95Ms: number
    // app p95 / baseline p95 must stay under this (when there is a baseline).
    maxRatio: number | null
  }
  targetNote?: string
  run(context: NationalContext): Promise<NationalResult>
}

// Nearest rank, as in report.ts.
export function latencySummary(samplesMs: number[]): LatencySummary {
  if (samplesMs.length === 0) throw new Error('no samples')
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!
  return { count: sorted.length, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: sorted.at(-1)! }
}

// The usual kind: a function called N times against the national database, with an optional baseline
// (the same answer got the plainest way, e.g. the same SQL through pg) called as often, interleaved
// with it so that both see the same machine. See bench/README.md for an example.
export function latencyMeasurement<State>(definition: {
  id: string
  title: string
  timed: string
  baselineTimed?: string
  engine?: 'postgres' | 'pglite'
  scale?: Scale
  days?: number
  target: { p95Ms: number; maxRatio: number | null }
  targetNote?: string
  // Calls before the clock starts (JIT, caches, connection pool).
  warmup?: number
  iterations: number
  setup(context: NationalContext): Promise<State>
  // One timed call; `i` counts from 0, so calls can vary (another council each time).
  call(state: State, i: number): Promise<unknown>
  baseline?(state: State, i: number): Promise<unknown>
  // Throws if the answers are wrong (e.g. the app and the baseline disagree); not timed.
  verify?(state: State): Promise<void>
  teardown?(state: State): Promise<void>
  checks?(app: LatencySummary, baseline: LatencySummary | null): Check[]
}): NationalMeasurement {
  return {
    kind: 'national',
    id: definition.id,
    title: definition.title,
    timed: definition.timed,
    baselineTimed: definition.baselineTimed,
    engine: definition.engine ?? 'postgres',
    scale: definition.scale ?? 'national',
    days: definition.days ?? 365,
    target: definition.target,
    targetNote: definition.targetNote,
    async run(context) {
      const state = await definition.setup(context)
      try {
        for (let i = 0; i < (definition.warmup ?? 3); i++) {
          await definition.call(state, i)
          if (definition.baseline) await definition.baseline(state, i)
        }
        const app: number[] = []
        const baseline: number[] = []
        for (let i = 0; i < definition.iterations; i++) {
          let started = monoMs()
          await definition.call(state, i)
          app.push(monoMs() - started)
          if (definition.baseline) {
            started = monoMs()
            await definition.baseline(state, i)
            baseline.push(monoMs() - started)
          }
        }
        await definition.verify?.(state)
        const appSummary = latencySummary(app)
        const baselineSummary = baseline.length ? latencySummary(baseline) : null
        return {
          app: appSummary,
          baseline: baselineSummary,
          checks: definition.checks?.(appSummary, baselineSummary) ?? [],
          figures: {},
        }
      } finally {
        await definition.teardown?.(state)
      }
    },
  }
}

export type NationalRun = { ok: true; result: NationalResult } | { ok: false; error: string }

const here = path.dirname(fileURLToPath(import.meta.url))
const childTimeoutMs = 20 * 60_000

// where: the seeded PostgreSQL database's URL, or for a PGlite measurement { dataDir } of the seeded data.
export function runNationalInChild(
  measurement: { id: string; file: string },
  where: string | { dataDir: string },
): Promise<NationalRun> {
  const child = fork(path.join(here, 'national-child.ts'), [], {
    execArgv: childExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise<NationalRun>((resolve) => {
    let settled = false
    const settle = (run: NationalRun) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(run)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      settle({ ok: false, error: `timed out after ${childTimeoutMs / 1000} s` })
    }, childTimeoutMs)
    child.once('message', (run: NationalRun) => settle(run))
    child.once('error', (error) => settle({ ok: false, error: error.message }))
    child.once('exit', (code, signal) =>
      settle({ ok: false, error: `the process ended (${signal ?? `exit code ${code}`}) without a result` }),
    )
    child.send(
      typeof where === 'string'
        ? { id: measurement.id, file: measurement.file, databaseUrl: where }
        : { id: measurement.id, file: measurement.file, databaseUrl: '', dataDir: where.dataDir },
    )
  })
}
