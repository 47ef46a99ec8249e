import { PerformanceObserver, performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { createDatabase, type Db } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { BenchCase, Engine, Profile } from './bench-case.ts'
import { benchCases } from './cases.ts'
import { monoMs } from './clock.ts'
import { queryBreakdown, rssProfile, startV8Profiling, summariseCpu, summariseHeap } from './profiling.ts'
import { queryRecorder } from './query-timing.ts'
import { startPeakRss, startRssSampler } from './rss-sampler.ts'

// One run of one measurement, in a process of its own so that each run's peak RSS is its own.
// The parent sends a ChildJob over IPC and gets a ChildResult back.
export type ChildJob = {
  caseId: string
  engine: Engine
  databaseUrl: string | null
  input: unknown
  profile: boolean
}

export type RunFigures = {
  seconds: number
  peakRssBytes: number
  rssBeforeBytes: number
  // getrusage's peak: the whole child's (setup included) where RSS was sampled, a check on the sampling;
  // where the kernel's high-water mark was reset as the clock started, the same as peakRssBytes.
  kernelMaxRssBytes: number
  samples: number
  // The child's CPU time during the run (main thread and the threads of Node and V8).
  cpuUserSeconds: number
  cpuSystemSeconds: number
  // Where the main thread's time went: running JavaScript (GC pauses included), or idle, which here
  // means waiting for the database's answers.
  mainThreadBusySeconds: number
  mainThreadIdleSeconds: number
  gcPauseSeconds: number
  serverVersion: string
  details: Record<string, unknown>
}

export type ChildResult =
  | ({ ok: true } & RunFigures & { profile: Profile | null })
  | { ok: false; error: string }

async function runJob(job: ChildJob): Promise<ChildResult> {
  const benchCase = benchCases[job.caseId]
  if (!benchCase) throw new Error(`no bench case ${job.caseId}`)
  const db: Db =
    job.engine === 'pglite'
      ? createDatabase({ engine: 'pglite', dataDir: null })
      : createDatabase({ engine: 'postgres', url: job.databaseUrl!, poolSize: 10 })
  try {
    await migrateToLatest(db)
    const version = await sql<{ version: string }>`select version() as version`.execute(db)
    const state = await benchCase.load(job.input)
    await benchCase.seed?.(db, state)
    const rssBeforeBytes = process.memoryUsage.rss()
    // A profile run samples RSS over time (its phases' growth); a timed run reads the kernel's exact peak.
    const sampler = job.profile ? await startRssSampler(50) : await startPeakRss()
    let gcMs = 0
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration
    })
    gcObserver.observe({ entryTypes: ['gc'] })
    const loopBefore = performance.eventLoopUtilization()
    const cpuBefore = process.cpuUsage()
    const started = monoMs()
    let details: Record<string, unknown> = {}
    let profiled: Awaited<ReturnType<typeof profileRun>> | null = null
    if (job.profile) profiled = await profileRun(benchCase, db, state)
    else details = await benchCase.run(db, state)
    const ended = monoMs()
    const cpu = process.cpuUsage(cpuBefore)
    const loop = performance.eventLoopUtilization(loopBefore)
    const { peakBytes, samples } = await sampler.stop()
    // GC entries arrive after the fact: let the last ones in.
    await new Promise((resolve) => setTimeout(resolve, 20))
    gcObserver.disconnect()
    if (!job.profile && benchCase.verify) details = { ...details, ...(await benchCase.verify(db, details)) }
    return {
      ok: true,
      seconds: (ended - started) / 1000,
      peakRssBytes: peakBytes,
      rssBeforeBytes,
      kernelMaxRssBytes: process.resourceUsage().maxRSS * 1024,
      samples: samples.length,
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      mainThreadBusySeconds: loop.active / 1000,
      mainThreadIdleSeconds: loop.idle / 1000,
      gcPauseSeconds: gcMs / 1000,
      serverVersion: version.rows[0]?.version ?? 'unknown',
      details,
      profile: profiled ? profiled.finish(samples) : null,
    }
  } finally {
    await db.destroy()
  }
}

// The case's profile: its phases with every query timed, under V8's CPU and allocation profilers.
async function profileRun(benchCase: BenchCase<never, unknown, unknown>, db: Db, state: unknown) {
  if (!benchCase.profile) throw new Error(`${benchCase.id} has no profile`)
  const recorder = queryRecorder()
  const notes: string[] = []
  const phases: { name: string; startMs: number; endMs: number }[] = []
  const v8 = await startV8Profiling()
  const startMs = monoMs()
  await benchCase.profile(db, state, {
    timed: (d) => d.withPlugin(recorder.plugin),
    note: (text) => notes.push(text),
    async phase(name, work) {
      const from = monoMs()
      const result = await work()
      phases.push({ name, startMs: from, endMs: monoMs() })
      return result
    },
  })
  const endMs = monoMs()
  const { cpu, heap } = await v8.stop()
  const cpuTimeline = summariseCpu(cpu)
  return {
    finish(samples: [number, number][]): Profile {
      const rssAt = (t: number) =>
        samples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best), samples[0]!)[1]
      return {
        seconds: (endMs - startMs) / 1000,
        notes,
        phases: phases.map((p) => ({
          name: p.name,
          seconds: (p.endMs - p.startMs) / 1000,
          rssAtStartMb: rssAt(p.startMs) / 1e6,
          peakRssMb:
            Math.max(...samples.filter(([t]) => t >= p.startMs && t <= p.endMs).map(([, r]) => r), 0) / 1e6,
          ...queryBreakdown(recorder.queries, p.startMs, p.endMs),
        })),
        cpu: cpuTimeline.summary,
        allocations: summariseHeap(heap),
        rss: rssProfile(samples, { startMs, endMs }, phases, recorder.queries, cpuTimeline),
      }
    },
  }
}

process.once('message', (job: ChildJob) => {
  runJob(job)
    .catch(
      (error: unknown): ChildResult => ({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    )
    .then((result) => {
      process.send!(result, () => process.exit(0))
    })
})
