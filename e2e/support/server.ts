import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { createApp } from '../../src/app.ts'
import { buildServices } from '../../src/composition.ts'
import { loadConfig } from '../../src/config.ts'
import { createDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadDemoCounty } from '../../src/db/seed/demo-county.ts'
import { demoTwoStepKey, setUpDemoTwoStep } from '../../src/db/seed/demo-two-step.ts'
import { type Clock, systemClock } from '../../src/domain/clock.ts'
import { londonDate } from '../../src/domain/dates.ts'
import { appCodeAt } from '../../src/modules/access/index.ts'
import { e2eCookieSecret } from './global-setup.ts'

// `services`: for a suite that runs a scheduled job itself (the e2e server schedules none) or reads its data.
export type E2eServer = {
  baseUrl: string
  services: ReturnType<typeof buildServices>
  close: () => Promise<void>
}

const running = new Map<string, { db: ReturnType<typeof createDatabase>; clock: Clock }>()

// The code a demo user's authenticator app shows now, by the server's clock (the demo key: demo-two-step.ts).
// A code works once per 30 seconds and the suites sign the same users in often: the last step used is
// forgotten first, as if a little time had passed.
export async function twoStepCode(baseUrl: string, email: string, key = demoTwoStepKey): Promise<string> {
  const server = running.get(baseUrl)
  if (!server) throw new Error(`no e2e server at ${baseUrl}`)
  await server.db.updateTable('users').set({ twoStepLastStep: null }).where('email', '=', email).execute()
  return appCodeAt(key, server.clock.now())
}

// The shared copy was loaded at the run's start by the system's clock: a suite's own clock that reads
// the real time when its server starts (one it moves on later, to tomorrow say) would load the same
// county, so it starts from the copy too. Any other clock (another day, another time) loads its own.
function readsTheRealTime(clock: Clock) {
  if (clock === systemClock) return true
  const loadedAt = inject('demoCountyLoadedAt')
  const now = clock.now()
  return (
    loadedAt > 0 &&
    Math.abs(now.getTime() - Date.now()) < 1_000 &&
    londonDate(now) === londonDate(new Date(loadedAt))
  )
}

// The real app, in-process, on an in-memory database seeded with a small demo county.
// 200 locations keeps start-up to a few seconds while every page still has rows to show.
// A suite that needs time to pass (tomorrow's return, say) passes its own clock; the rest use the system's.
// `env`: settings of its own (single sign-on's SSO_*), with `port` when they name the server's address.
export async function startServer(
  options: { clock?: Clock; env?: Record<string, string>; port?: number } = {},
): Promise<E2eServer> {
  const clock = options.clock ?? systemClock
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-e2e-'))
  // On today's date the run's shared copy of the demo county is loaded (e2e/support/global-setup.ts).
  const dump = readsTheRealTime(clock) ? inject('demoCountyDump') : ''
  const db = createDatabase({
    engine: 'pglite',
    dataDir: null,
    loadDataDir: dump ? new Blob([fs.readFileSync(dump)]) : undefined,
  })
  if (!dump) {
    await migrateToLatest(db)
    await loadDemoCounty(db, clock, 200)
    await setUpDemoTwoStep(db, e2eCookieSecret, clock.now())
  }
  // The suites sign in many times a minute from one address; the default limit would answer 429.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SIGN_IN_RATE_LIMIT: '1000',
    ...options.env,
  })
  const services = buildServices({
    db,
    clock,
    config,
    // E-mails stay in the outbox table; nothing leaves the machine.
    mailTransport: { name: 'null', send: async () => {} },
    cookieSecret: e2eCookieSecret,
  })
  const app = await createApp(services)
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('the e2e server did not bind to a TCP port')
  const baseUrl = `http://127.0.0.1:${address.port}`
  running.set(baseUrl, { db, clock })
  return {
    baseUrl,
    services,
    close: async () => {
      running.delete(baseUrl)
      await app.close()
      await db.destroy()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
