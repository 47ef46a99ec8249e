// `npm run bench`: CareHub's performance measurements. Not part of `npm test`.
//
//   npm run bench                      every measurement, on BENCH_DATABASE_URL (or the local test server) and PGlite
//   npm run bench -- --profile         also profile every measurement (one extra run each)
//   npm run bench -- --only pglite     only the measurements whose id contains "pglite"
//   npm run bench -- --reseed          seed the national database afresh (normally reused; see bench/README.md)
//   npm run bench -- --seed            only make sure the national database is seeded, then stop
//   npm run bench -- --design          instead: the import's design against its alternatives (PostgreSQL)
//
// Writes bench/results/latest.md and bench/results/latest.json; exits 1 when a target is missed.
import { fork } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Measurement } from './bench-case.ts'
import { benchCases } from './cases.ts'
import type { ChildJob, ChildResult } from './child.ts'
import { designChecksTable, runDesignChecks } from './design-checks.ts'
import { applyCrossChecks } from './cross-checks.ts'
import { formatJson } from './json-file.ts'
import { measurements, nationalMeasurements } from './measurements.ts'
import { type NationalRun, runNationalInChild } from './national.ts'
import { childExecArgv } from './node-flags.ts'
import { createFreshDatabase, findServer } from './postgres.ts'
import {
  engineLabel,
  type MeasurementResult,
  machineInfo,
  machineText,
  type NationalMeasurementResult,
  nationalNotes,
  nationalVerdict,
  profileText,
  summarise,
  table,
  tableNotes,
} from './report.ts'
import { quietMachine } from './quiet-machine.ts'
import { resultsJson } from './results-json.ts'
import { ensureSeededDatabase, type SeededDatabase } from './seeded-database.ts'
import { ensureSeededPglite, type SeededPglite } from './seeded-pglite.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const childScript = path.join(here, 'child.ts')
const resultsDir = path.join(here, 'results')
const childTimeoutMs = 10 * 60_000

const { values: args } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    design: { type: 'boolean', default: false },
    reseed: { type: 'boolean', default: false },
    seed: { type: 'boolean', default: false },
  },
})

// One run in a fresh process: on PostgreSQL, in a database created for it and dropped after it.
async function runInChild(
  m: Measurement,
  input: unknown,
  serverUrl: string | null,
  profile: boolean,
): Promise<ChildResult> {
  const database = m.engine === 'postgres' ? await createFreshDatabase(serverUrl!) : null
  if (database) liveDatabases.add(database)
  try {
    const child = fork(childScript, [], {
      // The same loader (tsx) as this process.
      execArgv: childExecArgv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const job: ChildJob = {
      caseId: m.caseId,
      engine: m.engine,
      databaseUrl: database?.url ?? null,
      input,
      profile,
    }
    return await new Promise<ChildResult>((resolve) => {
      let settled = false
      const settle = (result: ChildResult) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        settle({ ok: false, error: `timed out after ${childTimeoutMs / 1000} s` })
      }, childTimeoutMs)
      child.once('message', (result: ChildResult) => settle(result))
      child.once('error', (error) => settle({ ok: false, error: error.message }))
      child.once('exit', (code, signal) =>
        settle({
          ok: false,
          error: `the run's process ended (${signal ?? `exit code ${code}`}) without a result`,
        }),
      )
      child.send(job)
    })
  } finally {
    if (database) {
      liveDatabases.delete(database)
      await database.drop()
    }
  }
}

// Databases made for runs still going: dropped if the bench is interrupted.
const liveDatabases = new Set<{ drop: () => Promise<void> }>()
// The folder with the generated input files: removed at the end, or if the bench is interrupted.
let workDir: string | null = null
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: dropping ${liveDatabases.size} bench database(s) and stopping`)
    if (workDir) rmSync(workDir, { recursive: true, force: true })
    Promise.allSettled([...liveDatabases].map((d) => d.drop())).finally(() => process.exit(130))
  })
}

async function designChecks() {
  const loadAtStart = os.loadavg()
  const server = await findServer()
  if (server.url === null) throw new Error(`the design checks need PostgreSQL: ${server.reason}`)
  console.log(`PostgreSQL: ${server.source}, ${server.version}`)
  const results = await runDesignChecks(server.url, (line) => console.log(line))
  const machine = machineInfo({
    postgres: server.version,
    pglite: null,
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
  })
  const generatedAt = new Date().toISOString()
  await fs.mkdir(resultsDir, { recursive: true })
  await fs.writeFile(
    path.join(resultsDir, 'design-checks.md'),
    `# Import design checks, ${generatedAt}\n\n${designChecksTable(results)}\n\n## Machine\n\n${machineText(machine)}\n`,
  )
  await fs.writeFile(
    path.join(resultsDir, 'design-checks.json'),
    formatJson({ generatedAt, command: 'npm run bench -- --design', machine, results }),
  )
  console.log(
    `\n${designChecksTable(results)}\n\nWritten: bench/results/design-checks.md and design-checks.json`,
  )
}

// The release of @electric-sql/pglite installed: the PGlite rows' engine.
const pgliteRelease: string = JSON.parse(
  readFileSync(path.join(here, '..', 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'),
).version

function reportNational(entry: NationalMeasurementResult, run: NationalRun) {
  const m = entry.measurement
  if (!run.ok) {
    entry.error = run.error
    entry.misses = ['error']
    console.error(`${m.id} failed: ${run.error}`)
    return
  }
  entry.result = run.result
  Object.assign(entry, nationalVerdict(m, run.result))
  const r = run.result
  console.log(
    `${m.id}: p50 ${r.app.p50Ms} ms, p95 ${r.app.p95Ms} ms, p99 ${r.app.p99Ms} ms, max ${r.app.maxMs} ms${r.baseline ? `; baseline p95 ${r.baseline.p95Ms} ms, ratio ${(r.app.p95Ms / r.baseline.p95Ms).toFixed(2)}` : ''}; ${JSON.stringify(r.figures)}`,
  )
}

async function main() {
  const selected = args.seed ? [] : measurements.filter((m) => !args.only || m.id.includes(args.only))
  const selectedNational = nationalMeasurements.filter((m) => !args.only || m.id.includes(args.only))
  if (selected.length === 0 && selectedNational.length === 0)
    throw new Error(`no measurement id contains "${args.only}"`)
  const loadAtStart = os.loadavg()
  const server = await findServer()
  if (server.url === null) console.warn(`\n!! PostgreSQL measurements will not run: ${server.reason}\n`)
  else console.log(`PostgreSQL: ${server.source}, ${server.version}`)

  const inputs = await fs.mkdtemp(path.join(os.tmpdir(), 'carehub-bench-'))
  workDir = inputs
  const prepared = new Map<string, Awaited<ReturnType<(typeof benchCases)[string]['prepare']>>>()
  const results: MeasurementResult[] = []
  let pgliteVersion: string | null = null
  try {
    for (const m of selected) {
      const benchCase = benchCases[m.caseId]
      if (!benchCase) throw new Error(`${m.id}: no bench case ${m.caseId}`)
      const result: MeasurementResult = {
        measurement: m,
        label: `${m.title}, ${engineLabel(m.engine, m.engine === 'postgres' ? (server.url ? server.version : null) : null)}`,
        facts: {},
        runs: [],
        errors: [],
        skipped: null,
        summary: null,
        profile: null,
      }
      results.push(result)
      if (m.engine === 'postgres' && !server.url) {
        result.skipped = 'no PostgreSQL reachable (set BENCH_DATABASE_URL)'
        continue
      }
      const key = `${m.caseId} ${JSON.stringify(m.params)}`
      let input = prepared.get(key)
      if (!input) {
        const started = performance.now()
        input = await benchCase.prepare(m.params as never, inputs)
        prepared.set(key, input)
        console.log(
          `Prepared ${m.caseId} ${JSON.stringify(m.params)} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(input.facts)}`,
        )
      }
      result.facts = input.facts
      for (let i = 1; i <= m.runs; i++) {
        const run = await runInChild(m, input.input, server.url, false)
        if (run.ok) {
          const { ok: _ok, profile: _profile, ...figures } = run
          result.runs.push(figures)
          if (m.engine === 'pglite') pgliteVersion = run.serverVersion
          console.log(
            `${m.id} run ${i}/${m.runs}: ${run.seconds.toFixed(2)} s, peak RSS ${Math.round(run.peakRssBytes / 1e6)} MB (${run.samples ? `${run.samples} samples` : 'kernel peak'}; ${Math.round(run.rssBeforeBytes / 1e6)} MB before the clock started); CPU ${(run.cpuUserSeconds + run.cpuSystemSeconds).toFixed(2)} s; main thread busy ${run.mainThreadBusySeconds.toFixed(2)} s (GC pauses ${run.gcPauseSeconds.toFixed(2)} s), waiting ${run.mainThreadIdleSeconds.toFixed(2)} s; ${JSON.stringify(run.details)}`,
          )
        } else {
          result.errors.push(run.error)
          console.error(`${m.id} run ${i}/${m.runs} failed: ${run.error}`)
        }
      }
      result.summary = summarise(m, result.runs, result.errors)
      if (m.engine === 'pglite' && result.runs[0]) {
        result.label = `${m.title}, ${engineLabel('pglite', result.runs[0].serverVersion)}`
      }
      const wantProfile = args.profile || !result.summary?.pass
      if (wantProfile && benchCase.profile) {
        console.log(`${m.id}: profiling (one extra run, not counted)…`)
        const run = await runInChild(m, input.input, server.url, true)
        if (run.ok && run.profile) {
          result.profile = run.profile
          console.log(`\n${profileText(result)}\n`)
        } else if (!run.ok) console.error(`${m.id} profile failed: ${run.error}`)
      }
    }
  } finally {
    await fs.rm(inputs, { recursive: true, force: true })
    workDir = null
  }

  // Measurements against the shared national database: seeded once per scale and days, then reused.
  // Those on PGlite (the second column) against a PGlite data directory seeded the same way.
  const national: NationalMeasurementResult[] = []
  const seeded = new Map<string, SeededDatabase>()
  const seededPglite = new Map<string, SeededPglite>()
  for (const m of selectedNational) {
    const onPglite = m.engine === 'pglite'
    const entry: NationalMeasurementResult = {
      measurement: m,
      label: onPglite
        ? `${m.title}, ${m.scale} scale ${m.days} days, PGlite ${pgliteRelease} (data directory)`
        : `${m.title}, ${m.scale} ${m.days} days, ${engineLabel('postgres', server.url ? server.version : null)}`,
      database: null,
      skipped: null,
      error: null,
      result: null,
      pass: false,
      misses: [],
    }
    national.push(entry)
    if (onPglite) {
      const key = `${m.scale} ${m.days}`
      let data = seededPglite.get(key)
      if (!data) {
        data = await ensureSeededPglite(
          { scale: m.scale, days: m.days },
          { reseed: args.reseed && seededPglite.size === 0 },
        )
        seededPglite.set(key, data)
      }
      entry.database = data.name
      if (args.seed) {
        entry.skipped = '--seed: seeded only'
        continue
      }
      await quietMachine(m.id)
      console.log(`${m.id}: running on PGlite ${data.dataDir} (load average ${os.loadavg()[0]!.toFixed(1)})…`)
      reportNational(entry, await runNationalInChild(m, { dataDir: data.dataDir }))
      continue
    }
    if (!server.url) {
      entry.skipped = 'no PostgreSQL reachable (set BENCH_DATABASE_URL)'
      continue
    }
    const key = `${m.scale} ${m.days}`
    let database = seeded.get(key)
    if (!database) {
      database = await ensureSeededDatabase(
        server.url,
        { scale: m.scale, days: m.days },
        { reseed: args.reseed && seeded.size === 0 },
      )
      seeded.set(key, database)
    }
    entry.database = database.name
    if (args.seed) {
      entry.skipped = '--seed: seeded only'
      continue
    }
    await quietMachine(m.id)
    console.log(`${m.id}: running against ${database.name} (load average ${os.loadavg()[0]!.toFixed(1)})…`)
    reportNational(entry, await runNationalInChild(m, database.url))
  }
  applyCrossChecks(national)
  if (national.some((r) => r.measurement.engine === 'pglite' && r.result))
    pgliteVersion ??= `@electric-sql/pglite ${pgliteRelease}`
  const pgliteNotes = [...seededPglite.values()].map(
    (d) =>
      `- PGlite measurements share one data directory (${d.name}, ${d.dataDir}), made by \`carehub seed --scale ${d.info.scale} --days ${d.info.days}\` on PGlite in ${d.info.seedSeconds.toFixed(0)} s (${d.info.returns.toLocaleString('en-GB')} returns, ${(d.info.sizeBytes / 1e6).toFixed(0)} MB, seeded ${d.info.seededAt}${d.reused ? ', reused' : ', this run'}) and reused while its bench_seed_info matches.`,
  )

  const machine = machineInfo({
    postgres: server.url ? server.version : null,
    pglite: pgliteVersion,
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
  })
  const generatedAt = new Date().toISOString()
  const partial = Boolean(args.only) || args.seed
  const md = [
    `# CareHub benchmark, ${generatedAt}${partial ? ` (only ${args.only})` : ''}`,
    '',
    table(results, national),
    '',
    ...(results.length ? tableNotes(results) : []),
    ...nationalNotes(national),
    ...pgliteNotes,
    '',
    '## Machine',
    '',
    machineText(machine),
    '',
    ...results.flatMap((r) => (r.profile ? [profileText(r), ''] : [])),
  ].join('\n')
  const json = resultsJson({
    generatedAt,
    command: `npm run bench${partial ? ` -- --only ${args.only}` : ''}`,
    machine,
    server,
    results,
    national,
    seeds: [...seeded.values(), ...seededPglite.values()],
  })
  // A run of some measurements only does not replace the latest full results.
  const base = partial ? 'partial' : 'latest'
  await fs.mkdir(resultsDir, { recursive: true })
  await fs.writeFile(path.join(resultsDir, `${base}.md`), `${md.trimEnd()}\n`)
  await fs.writeFile(path.join(resultsDir, `${base}.json`), formatJson(json))

  console.log(`\n${table(results, national)}\n`)
  console.log(
    [...(results.length ? tableNotes(results) : []), ...nationalNotes(national), ...pgliteNotes].join('\n'),
  )
  console.log(`\nMachine:\n${machineText(machine)}`)
  console.log(`\nWritten: ${path.relative(process.cwd(), resultsDir)}/${base}.md and ${base}.json`)
  const missed = [
    ...results.filter((r) => r.skipped || !r.summary?.pass).map((r) => r.measurement.id),
    ...national.filter((r) => !args.seed && (r.skipped || !r.pass)).map((r) => r.measurement.id),
  ]
  if (missed.length) {
    console.error(`\nTarget missed or not measured: ${missed.join(', ')}`)
    process.exitCode = 1
  }
}

;(args.design ? designChecks() : main()).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
