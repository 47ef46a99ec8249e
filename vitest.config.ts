import { defineConfig } from 'vitest/config'

// Three suites: unit (pure, fast), integration (real databases via inject), e2e (real browser).
export default defineConfig({
  test: {
    env: { TZ: 'Europe/London' },
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine, so every file
    // queued behind the one before. Two at a time, of any suite: each browser file has its own server,
    // in-memory database and Chromium, so two can run at once.
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.db.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
