import type { findServer } from './postgres.ts'
import type { Machine, MeasurementResult, NationalMeasurementResult } from './report.ts'
import type { SeededDatabase } from './seeded-database.ts'
import type { SeededPglite } from './seeded-pglite.ts'

// What `npm run bench` writes to bench/results/*.json: every measurement's target, facts and figures.
export function resultsJson(run: {
  generatedAt: string
  command: string
  machine: Machine
  server: Awaited<ReturnType<typeof findServer>>
  results: MeasurementResult[]
  national: NationalMeasurementResult[]
  seeds: (SeededDatabase | SeededPglite)[]
}) {
  const { generatedAt, command, machine, server, results, national, seeds } = run
  return {
    generatedAt,
    command,
    machine,
    postgresServer: server.url === null ? { unreachable: server.reason } : { source: server.source },
    measurements: results.map((r) => ({
      id: r.measurement.id,
      title: r.measurement.title,
      label: r.label,
      timed: r.measurement.timed,
      engine: r.measurement.engine,
      target: r.measurement.target,
      targetNote: r.measurement.targetNote ?? null,
      params: r.measurement.params,
      facts: r.facts,
      skipped: r.skipped,
      summary: r.summary,
      runs: r.runs,
      errors: r.errors,
      profile: r.profile,
    })),
    national: national.map((r) => ({
      id: r.measurement.id,
      engine: r.measurement.engine ?? 'postgres',
      title: r.measurement.title,
      label: r.label,
      timed: r.measurement.timed,
      baselineTimed: r.measurement.baselineTimed ?? null,
      target: r.measurement.target,
      targetNote: r.measurement.targetNote ?? null,
      database: r.database,
      seed: r.database ? (seeds.find((d) => d.name === r.database)?.info ?? null) : null,
      skipped: r.skipped,
      error: r.error,
      pass: r.pass,
      misses: r.misses,
      ratio: r.result?.baseline ? r.result.app.p95Ms / r.result.baseline.p95Ms : null,
      ...(r.result ?? {}),
    })),
  }
}
