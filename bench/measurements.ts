import { apiSubmissionMeasurement } from './api-submission.national.ts'
import type { Measurement } from './bench-case.ts'
import { dashboardMeasurements, pgliteDashboardMeasurements } from './dashboards.bench.ts'
import { returnsExportMeasurement } from './export.bench.ts'
import { returnsCopyExportMeasurement } from './export-copy.bench.ts'
import { morningPeakMeasurement } from './morning-peak.national.ts'
import type { NationalMeasurement } from './national.ts'
import { ppeMeasurements } from './ppe-supply.bench.ts'
import { pgliteRiskRecomputeMeasurement, riskRecomputeMeasurement } from './risk-recompute.national.ts'

const cqcImportTimed =
  '`createPreview` then `saveImport` into an empty database, from the file bytes in memory to the saved rows'

// What `npm run bench` measures, in order. Each is run `runs` times, each run in a fresh process on a
// fresh, migrated, empty database. Add dashboards and API submission here as they come.
export const measurements: Measurement[] = [
  {
    id: 'cqc-import-50000-postgres',
    title: 'CQC directory import, 50,000 rows (care directory with filters)',
    timed: cqcImportTimed,
    engine: 'postgres',
    caseId: 'cqc-import',
    params: { rows: 50_000 },
    target: { seconds: 10, peakRssMb: 300 },
    runs: 3,
  },
  {
    id: 'cqc-import-5000-pglite',
    title: 'CQC directory import, 5,000 rows (care directory with filters)',
    timed: `${cqcImportTimed} (a tenth of the rows, to keep the in-memory engine's runs short)`,
    engine: 'pglite',
    caseId: 'cqc-import',
    params: { rows: 5_000 },
    // The embedded engine holds the whole database in the process, so its RSS is not the import's.
    target: { seconds: 10, peakRssMb: null },
    targetNote: 'no memory target: PGlite in memory is in the same process',
    runs: 3,
  },
  {
    id: 'grants-allocation-15000-postgres',
    title: 'Grant round allocated over 15,000 care homes in 150 councils',
    timed:
      'each of 150 councils’ rounds previewed by its finance officer: the directory read on the snapshot date, eligibility, the share split to the penny, each amount explained, the preview stored and audited',
    engine: 'postgres',
    caseId: 'grants-allocation',
    params: { councils: 150, homesPerCouncil: 100 },
    target: { seconds: 1, peakRssMb: null },
    targetNote: 'issue 23: under 1 s on PostgreSQL',
    runs: 1,
  },
  {
    id: 'payment-run-20000-postgres',
    title: 'Payment run over 20,000 commissioned packages (seed 004’s five schemes, April 2020)',
    timed:
      'the run service’s `prepare`: reading the schemes, packages, void beds and delivered hours, working out every line, saving the run and its lines',
    engine: 'postgres',
    caseId: 'payment-run',
    params: { packages: 20_000 },
    target: { seconds: 5, peakRssMb: null },
    targetNote: 'issue 22: under 5 s; no memory target set',
    runs: 1,
  },
  {
    id: 'bulletin-queue-27000-postgres',
    title: 'A bulletin to 27,000 locations’ users queued in the outbox (issue 25)',
    timed:
      '`queueBulletin`: the audience resolved to its users, one recipient row and one outbox e-mail each (checked after: exactly one message each)',
    engine: 'postgres',
    caseId: 'bulletin-queue',
    params: { locations: 27_000 },
    target: { seconds: 5, peakRssMb: null },
    targetNote: 'no memory target: the rows are written by the database, not held by the process',
    runs: 1,
  },
  {
    id: 'first-start-pglite',
    title:
      'First start of a fresh clone: `npm start` with no ./data (the server on a new data directory, not the bench’s in-memory PGlite), until /readyz answers 200',
    timed:
      'from spawning package.json’s start command (bin/carehub.js serve) in a copy of the working tree with no ./data until /readyz answers 200: the embedded database made, the demo county loaded, the server listening; a demo user then signs in (after the clock)',
    engine: 'pglite',
    caseId: 'first-start',
    params: {},
    target: { seconds: 5, peakRssMb: null },
    targetNote:
      'issue 27: under 5 s; the copy is prepared first as `npm install` does (the prepare script: the app compiled and the demo county’s database made for today; not timed here, its time is prepareSeconds in the facts, and a run after the first makes the demo again before its clock starts); serverCpuSecondsUntilReady and loadAverage say how busy the machine was; CPU and RSS here are the bench process’s, not the server’s',
    runs: 3,
  },
]

// Measurements against the shared national database (carehub_bench_national_365, seeded once by
// `carehub seed --scale national --days 365` and reused): each is run once, in a process of its own, and
// times many calls; see bench/README.md. Each names the file that defines it: its process imports that
// file alone, so a memory figure (the export's peak RSS) carries no other measurement's modules.
const definedIn = (file: string, list: NationalMeasurement[]) => list.map((m) => ({ ...m, file }))

export const nationalMeasurements: Array<NationalMeasurement & { file: string }> = [
  ...definedIn('api-submission.national.ts', [apiSubmissionMeasurement]),
  // Issue 27: the morning peak, 1,000 returns a second, one web worker per core.
  ...definedIn('morning-peak.national.ts', [morningPeakMeasurement]),
  ...definedIn('risk-recompute.national.ts', [riskRecomputeMeasurement]),
  ...definedIn('dashboards.bench.ts', dashboardMeasurements),
  ...definedIn('export.bench.ts', [returnsExportMeasurement]),
  // Issue 27: the same returns as CSV written by PostgreSQL (COPY).
  ...definedIn('export-copy.bench.ts', [returnsCopyExportMeasurement]),
  // Issue 20: PPE balances and a request page with a million ledger moves (a council made for it).
  ...definedIn('ppe-supply.bench.ts', ppeMeasurements),
  // The PGlite column (issue 7): the same dashboards and risk recompute on PGlite at county scale, on a
  // data directory seeded once by `carehub seed --scale county --days 365` (bench/seeded-pglite.ts).
  ...definedIn('risk-recompute.national.ts', [pgliteRiskRecomputeMeasurement]),
  ...definedIn('dashboards.bench.ts', pgliteDashboardMeasurements),
]
