import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// The files that take longest start first, so the workers finish at about the same time. On a clean
// clone vitest knows no timings and starts the largest files first, project by project (e2e, then
// integration, then unit), which left the roles suite (about 5 minutes in CI) starting late and
// running alone at the end. The same rule put the slowest integration files last: most of them are
// short files that load a demo county, copy a database or run the command line, and they started
// behind the many quick ones, just before the unit files. Their times alone (seconds, both engines,
// 2026-12-07): roles 56, phone-width 55, backup-restore 29, national-seed 28, fuzz 25,
// prepared-demo 25, restart-and-cli 22, route-access 21, export-to-postgres 20, the two CQC import
// files 19 each, returns-upload 15, grants-demo 14, empty-database 12, seven-day-points 9; most
// integration files take 1–5.
const slowestFirst = [
  'e2e/roles.spec.ts',
  'e2e/phone-width.spec.ts',
  'test/integration/backup-restore.db.test.ts',
  'test/integration/national-seed.db.test.ts',
  'test/integration/fuzz.db.test.ts',
  'src/db/seed/prepared-demo.db.test.ts',
  'test/integration/restart-and-cli.db.test.ts',
  'test/integration/route-access.db.test.ts',
  'e2e/directory.spec.ts',
  'test/integration/export-to-postgres.db.test.ts',
  'src/modules/directory/cqc-import-stored-file.db.test.ts',
  'src/modules/directory/cqc-import-formats.db.test.ts',
  'src/modules/returns/upload/returns-upload.db.test.ts',
  'src/modules/grants/grants-demo.db.test.ts',
  'src/db/empty-database.db.test.ts',
  'src/modules/dashboards/seven-day-points.db.test.ts',
]
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const rank = (f: TestSpecification) => {
      const i = slowestFirst.findIndex((name) => f.moduleId.endsWith(name))
      return i === -1 ? slowestFirst.length : i
    }
    // Array sort is stable: the rest keep vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

const aloneFiles = [
  'test/integration/upload-limits.db.test.ts',
  'test/integration/database-outage.db.test.ts',
]

// Three suites: unit (pure, fast), integration (real databases via inject), e2e (real browser).
export default defineConfig({
  test: {
    env: { TZ: 'Europe/London' },
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine, so every file
    // queued behind the one before. Three at a time, of any suite, on 2 cores: a file spends part of
    // its time waiting (on PostgreSQL, a browser, its own start-up), and with two the cores were idle
    // about a third of the run. Each browser file has its own server, in-memory database and Chromium.
    // The files that time the service's answers run alone afterwards (integration-alone, below).
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.db.test.ts'],
          // Unit files share a worker's loaded modules instead of importing the app afresh each: the
          // import was two thirds of the suite's time (90 s against 34 s). They hold no state of their
          // own between files: each builds what it tests.
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'],
          exclude: aloneFiles,
          globalSetup: ['test/support/integration-global-setup.ts'],
          // As for unit files: each file builds its own app on its own database, so sharing the
          // worker's loaded modules saves the app's import (about 2 s a file) and shares nothing else.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Files that time the service's answers while it works hard (/healthz within 200 ms during four
        // large uploads; traffic through a database outage): run after the rest, one at a time, so that
        // another file's load on the two cores does not decide their result.
        test: {
          name: 'integration-alone',
          include: aloneFiles,
          globalSetup: ['test/support/integration-global-setup.ts'],
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          // As for integration files: each file starts its own server, database and browser, so sharing
          // the worker's loaded modules saves the app's import (about 3 s a file, 69 s of the suite's
          // CPU) and shares nothing else.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
