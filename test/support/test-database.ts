import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import { inject } from 'vitest'
import { createDatabase, type Db } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

export type Engine = 'pglite' | 'postgres'

// Integration tests run on the embedded database, and again on PostgreSQL when TEST_DATABASE_URL is set.
export const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

// url: the database's own connection string (PostgreSQL only), for a second connection pool to it.
export type TestDatabase = { db: Db; engine: Engine; url: string | null; drop: () => Promise<void> }

// Each test file gets a fresh, migrated database of its own: nothing is shared between files. It is a
// copy of one migrated database made once per run (test/support/integration-global-setup.ts), or
// migrated here where there is none (a suite run without that set-up).
// `migrate: false` leaves it empty, for a test of a migration to apply migrations itself.
export async function createTestDatabase(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true
  if (engine === 'pglite') {
    const dump = migrate ? provided('migratedPgliteDump') : ''
    const db = createDatabase({
      engine: 'pglite',
      dataDir: null,
      loadDataDir: dump ? migratedPglite(dump) : undefined,
    })
    if (migrate && !dump) await migrateToLatest(db)
    return { db, engine, url: null, drop: () => db.destroy() }
  }
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `carehub_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const template = migrate ? provided('migratedPostgresTemplate') : ''
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 })
  if (migrate && !template) await migrateToLatest(db)
  return {
    db,
    engine,
    url: url.toString(),
    drop: async () => {
      await db.destroy()
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}

// What the run's global set-up provided, or '' outside it (e.g. the browser project).
function provided(key: 'migratedPgliteDump' | 'migratedPostgresTemplate'): string {
  try {
    return inject(key) ?? ''
  } catch {
    return ''
  }
}

// Read once per file: every database the file creates starts from the same bytes.
let pgliteDump: { file: string; bytes: Blob } | null = null
function migratedPglite(file: string): Blob {
  if (pgliteDump?.file !== file) pgliteDump = { file, bytes: new Blob([fs.readFileSync(file)]) }
  return pgliteDump.bytes
}
