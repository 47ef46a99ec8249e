import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { createMigratableMemoryDatabase, rawEngineOf } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadDemoCounty } from '../../src/db/seed/demo-county.ts'
import { setUpDemoTwoStep } from '../../src/db/seed/demo-two-step.ts'
import { systemClock } from '../../src/domain/clock.ts'
import { chromiumAvailable } from './browser.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    // A PGlite dump of the migrated demo county (today's), or '' when there is none.
    demoCountyDump: string
    // When that demo county was loaded (its clock's now, epoch milliseconds), 0 when there is none.
    demoCountyLoadedAt: number
  }
}

// The e2e server's own secret (server.ts), which seals the demo users' two-step key in the shared copy.
export const e2eCookieSecret = 'e2e-cookie-secret-that-is-32-chars-long'

// Migrating and loading the demo county takes 10–20 s; the browser suites run one file after another,
// so it is done once per run and each suite that runs on today's date starts from a copy (2 s).
export default async function setup(project: TestProject) {
  if (!chromiumAvailable) {
    project.provide('demoCountyDump', '')
    project.provide('demoCountyLoadedAt', 0)
    return
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-e2e-dump-'))
  const file = path.join(dir, 'demo-county.tar')
  const db = createMigratableMemoryDatabase()
  const loadedAt = systemClock.now()
  try {
    await migrateToLatest(db)
    await loadDemoCounty(db, systemClock, 200)
    await setUpDemoTwoStep(db, e2eCookieSecret, systemClock.now())
    const raw = rawEngineOf(db)
    if (raw?.engine !== 'pglite') throw new Error('expected PGlite')
    const dump = await raw.pglite.dumpDataDir('none')
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await db.destroy()
  }
  project.provide('demoCountyDump', file)
  project.provide('demoCountyLoadedAt', loadedAt.getTime())
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
