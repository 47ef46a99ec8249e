import os from 'node:os'
import type { Engine, Measurement, Profile, Ranked } from './bench-case.ts'
import type { RunFigures } from './child.ts'
import { mdTable } from './markdown.ts'
import type { NationalMeasurement, NationalResult } from './national.ts'

export type MeasurementResult = {
  measurement: Measurement
  label: string
  facts: Record<string, unknown>
  runs: RunFigures[]
  errors: string[]
  skipped: string | null
  summary: {
    p50Seconds: number
    p95Seconds: number
    maxSeconds: number
    peakRssBytes: number
    pass: boolean
    misses: string[]
  } | null
  profile: Profile | null
}

export type Machine = {
  cpuModel: string
  cores: number
  availableParallelism: number
  totalMemoryBytes: number
  node: string
  platform: string
  postgres: string | null
  pglite: string | null
  // 1-minute load average when the bench started and ended: anything else running shows here.
  loadAverage: { atStart: number[]; atEnd: number[] }
}

export function machineInfo(versions: Pick<Machine, 'postgres' | 'pglite' | 'loadAverage'>): Machine {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    ...versions,
  }
}

// Nearest rank: with 3 runs the p50 is the middle one and the p95 is the slowest.
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

export function summarise(measurement: Measurement, runs: RunFigures[], errors: string[]) {
  if (runs.length === 0) return null
  const seconds = runs.map((r) => r.seconds)
  const p95Seconds = percentile(seconds, 95)
  const peakRssBytes = Math.max(...runs.map((r) => r.peakRssBytes))
  const misses: string[] = []
  if (errors.length) misses.push(`${errors.length} run(s) failed`)
  if (p95Seconds >= measurement.target.seconds) misses.push('time')
  if (measurement.target.peakRssMb !== null && peakRssBytes >= measurement.target.peakRssMb * 1e6)
    misses.push('memory')
  return {
    p50Seconds: percentile(seconds, 50),
    p95Seconds,
    maxSeconds: Math.max(...seconds),
    peakRssBytes,
    pass: misses.length === 0,
    misses,
  }
}

const versionOf = (version: string | null) => version?.match(/^PostgreSQL ([\d.]+)/)?.[1] ?? null

export const engineLabel = (engine: Engine, version: string | null) => {
  const v = versionOf(version)
  if (engine === 'postgres') return v ? `PostgreSQL ${v}` : 'PostgreSQL'
  return v ? `PGlite in memory (PostgreSQL ${v})` : 'PGlite in memory'
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`

function targetText(m: Measurement) {
  const parts = [`< ${m.target.seconds} s`]
  if (m.target.peakRssMb !== null) parts.push(`< ${m.target.peakRssMb} MB`)
  return parts.join(', ') + (m.targetNote ? ` (${m.targetNote})` : '')
}

// A measurement against the shared national database: one run of many timed calls.
export type NationalMeasurementResult = {
  measurement: NationalMeasurement
  label: string
  database: string | null
  skipped: string | null
  error: string | null
  result: NationalResult | null
  pass: boolean
  misses: string[]
}

export function nationalVerdict(m: NationalMeasurement, result: NationalResult) {
  const misses: string[] = []
  if (result.app.p95Ms >= m.target.p95Ms) misses.push('p95')
  const ratio = result.baseline ? result.app.p95Ms / result.baseline.p95Ms : null
  if (m.target.maxRatio !== null && ratio !== null && ratio >= m.target.maxRatio) misses.push('ratio')
  if (m.target.maxRatio !== null && ratio === null) misses.push('no baseline')
  for (const c of result.checks) if (!c.pass) misses.push(c.name)
  return { pass: misses.length === 0, misses }
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`

function verdictText(skipped: string | null, pass: boolean, misses: string[]) {
  if (skipped) return `not run: ${skipped}`
  return pass ? 'pass' : `FAIL${misses.length ? ` (${misses.join(', ')})` : ''}`
}

export function table(results: MeasurementResult[], national: NationalMeasurementResult[] = []): string {
  const caseRows = results.map((r) => {
    const sum = r.summary
    return [
      r.label,
      targetText(r.measurement),
      sum ? s(sum.p50Seconds) : '–',
      sum ? s(sum.p95Seconds) : '–',
      '–',
      sum ? s(sum.maxSeconds) : '–',
      sum ? mb(sum.peakRssBytes) : '–',
      '–',
      '–',
      verdictText(r.skipped, Boolean(sum?.pass), sum?.misses ?? []),
    ]
  })
  const nationalRows = national.map((r) => {
    const res = r.result
    const m = r.measurement
    const target = [
      `p95 < ${m.target.p95Ms} ms`,
      ...(m.target.maxRatio !== null ? [`ratio < ${m.target.maxRatio}`] : []),
    ].join(', ')
    const ratio = res?.baseline ? res.app.p95Ms / res.baseline.p95Ms : null
    const rss = res?.figures.peakRssBytes
    return [
      r.label,
      target + (m.targetNote ? ` ${m.targetNote}` : ''),
      res ? ms(res.app.p50Ms) : '–',
      res ? ms(res.app.p95Ms) : '–',
      // Results kept from before p99 was recorded have none.
      typeof res?.app.p99Ms === 'number' ? ms(res.app.p99Ms) : '–',
      res ? ms(res.app.maxMs) : '–',
      typeof rss === 'number' ? mb(rss) : '–',
      res?.baseline ? ms(res.baseline.p95Ms) : '–',
      ratio !== null ? ratio.toFixed(2) : '–',
      r.error ? `FAIL (${r.error.split('\n')[0]})` : verdictText(r.skipped, r.pass, r.misses),
    ]
  })
  return mdTable(
    ['measurement', 'target', 'p50', 'p95', 'p99', 'max', 'peak RSS', 'baseline p95', 'ratio', 'pass/fail'],
    [...caseRows, ...nationalRows],
  ).join('\n')
}

export function nationalNotes(national: NationalMeasurementResult[]): string[] {
  if (national.length === 0) return []
  const lines: string[] = []
  for (const r of national) {
    lines.push(`- ${r.label}: ${r.measurement.timed}.`)
    if (r.measurement.baselineTimed) lines.push(`  Baseline: ${r.measurement.baselineTimed}.`)
    if (r.result) {
      for (const c of r.result.checks)
        lines.push(`  ${c.pass ? 'Met' : 'MISSED'}: ${c.name} ${c.target}: ${c.value}.`)
      const figures = Object.entries(r.result.figures)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? v : JSON.stringify(v)}`)
      if (figures.length) lines.push(`  Figures: ${figures.join('; ')}.`)
      lines.push(
        `  ${r.result.app.count.toLocaleString('en-GB')} timed calls${r.result.baseline ? ` and ${r.result.baseline.count.toLocaleString('en-GB')} baseline calls` : ''}.`,
      )
    }
  }
  // PGlite measurements' data directory is described by the bench itself (run.ts).
  const databases = [
    ...new Set(national.filter((r) => r.measurement.engine !== 'pglite').map((r) => r.database)),
  ].filter(Boolean)
  if (databases.length === 0 && national.every((r) => r.measurement.engine === 'pglite'))
    lines.push(
      '- Each measurement runs in a process of its own. p50/p95/p99/max are over the timed calls (nearest rank);',
      '  ratio = app p95 / baseline p95, the baseline measured in the same run.',
    )
  else
    lines.push(
      `- National measurements share one seeded database (${databases.join(', ') || 'none'}), made by`,
      '  `carehub seed --scale national --days 365` and reused while its bench_seed_info matches; each',
      '  measurement runs in a process of its own. p50/p95/p99/max are over the timed calls (nearest rank);',
      '  ratio = app p95 / baseline p95, the baseline measured in the same run.',
    )
  return lines
}

// Wall time depends on what else the machine is doing; the process's own CPU time much less so.
function cpuNote(runs: RunFigures[]) {
  const range = (values: number[], digits = 1) => {
    const lo = Math.min(...values).toFixed(digits)
    const hi = Math.max(...values).toFixed(digits)
    return lo === hi ? lo : `${lo}–${hi}`
  }
  const per = (pick: (r: RunFigures) => number) => range(runs.map(pick))
  return [
    `Per run: CPU time of the process ${per((r) => r.cpuUserSeconds + r.cpuSystemSeconds)} s;`,
    `main thread busy ${per((r) => r.mainThreadBusySeconds)} s (GC pauses ${per((r) => r.gcPauseSeconds)} s),`,
    `waiting for the database ${per((r) => r.mainThreadIdleSeconds)} s;`,
    `RSS before the clock started ${range(
      runs.map((r) => r.rssBeforeBytes / 1e6),
      0,
    )} MB.`,
  ].join(' ')
}

export function tableNotes(results: MeasurementResult[]): string[] {
  const runs = [...new Set(results.map((r) => r.measurement.runs))]
  return [
    ...results.map(
      (r) => `- ${r.label}: ${r.measurement.timed}.${r.runs.length ? ` ${cpuNote(r.runs)}` : ''}`,
    ),
    '- Each run is a fresh process on a fresh, migrated, empty database (PostgreSQL: a database created for',
    "  the run and dropped after it). Peak RSS is the whole process's resident set at its highest during the",
    "  timed part (Linux's high-water mark, VmHWM, reset as the clock starts), the highest of the runs",
    '  (MB = 1,000,000 bytes).',
    `- ${runs.join(' or ')} runs each: p50 is the middle run and p95 is by nearest rank, which with fewer than`,
    '  20 runs is the slowest run, so p95 = max. Pass: p95 and peak RSS both under the target.',
  ]
}

export function machineText(m: Machine): string {
  return [
    `- CPU: ${m.cpuModel}, ${m.cores} cores (${m.availableParallelism} available to Node)`,
    `- Memory: ${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${m.node} on ${m.platform}`,
    `- PostgreSQL: ${m.postgres ?? 'not reachable'}`,
    `- PGlite: ${m.pglite ?? 'not run'}`,
    `- Load average (1 min) ${m.loadAverage.atStart[0]?.toFixed(1) ?? '–'} at the start, ${
      m.loadAverage.atEnd[0]?.toFixed(1) ?? '–'
    } at the end (${m.cores} cores)`,
  ].join('\n')
}

const rankedTable = (title: string, unit: string, rows: Ranked[], digits = 2) =>
  mdTable(
    [title, unit],
    rows.map((r) => [r.label, r.value.toFixed(digits)]),
  )

export function profileText(r: MeasurementResult): string {
  const p = r.profile
  if (!p) return ''
  const out = [
    `### Profile: ${r.label}`,
    '',
    "One extra run, not counted above: the same work under V8's CPU profiler (a stack every 0.5 ms) and",
    `allocation sampler, with every query timed, so slower than a timed run: ${s(p.seconds)} in all.`,
    '',
    ...p.notes.map((n) => `- ${n}`),
    `- Peak RSS ${Math.round(p.rss.peakMb)} MB, ${p.rss.peakAtSeconds.toFixed(1)} s in, during ${p.rss.peakDuring}`,
    '',
    ...mdTable(
      ['phase', 'time', 'RSS at start', 'peak RSS'],
      p.phases.map((ph) => [
        ph.name,
        s(ph.seconds),
        `${Math.round(ph.rssAtStartMb)} MB`,
        `${Math.round(ph.peakRssMb)} MB`,
      ]),
    ),
  ]
  for (const ph of p.phases) {
    out.push(
      '',
      `#### ${ph.name}: ${s(ph.seconds)}`,
      '',
      "A query's time runs from Kysely compiling it to its decoded result: encoding the parameters,",
      'the database, and decoding the rows.',
      '',
      ...mdTable(
        ['where', 'queries', 'time', 'rows'],
        ph.totals
          .filter((t) => t.seconds >= 0.005)
          .map((t) => [
            t.label,
            t.count ? String(t.count) : '–',
            s(t.seconds),
            t.rows ? String(t.rows) : '–',
          ]),
      ),
      '',
      'In order:',
      '',
      ...ph.segments.map(
        (seg) =>
          `1. ${s(seg.seconds)}: ${seg.what}${
            seg.querySeconds
              ? ` (queries ${s(seg.querySeconds)}, JavaScript between them ${s(seg.seconds - seg.querySeconds)})`
              : ''
          }`,
      ),
    )
  }
  out.push(
    '',
    `#### Main thread CPU (V8 profile, ${s(p.cpu.seconds)})`,
    '',
    ...rankedTable('where (self time)', 's', p.cpu.selfByArea),
    '',
    ...rankedTable('hottest functions (self time)', 's', p.cpu.selfByFunction),
    '',
    ...rankedTable('our functions, with what they call (inclusive)', 's', p.cpu.inclusiveOurs),
    '',
    `#### Allocations (sampled; ${Math.round(p.allocations.allocatedMb)} MB allocated in all, most of it garbage)`,
    '',
    ...rankedTable('allocated in', 'MB', p.allocations.byArea, 0),
    '',
    ...rankedTable('allocating functions (self)', 'MB', p.allocations.selfByFunction, 0),
    '',
    ...rankedTable('our functions, with what they call (inclusive)', 'MB', p.allocations.inclusiveOurs, 0),
    '',
    '#### RSS growth (each rise between two 50 ms samples, put down to what was running)',
    '',
    ...rankedTable('running', 'MB', p.rss.growthByActivity, 0),
  )
  return out.join('\n')
}
