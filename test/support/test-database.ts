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
  // Named for this run when the run's set-up is there, which drops them all when it ends.
  const runPrefix = provided('testDatabasePrefix')
  const name = `${runPrefix || 'carehub_test'}_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const template = migrate ? provided('migratedPostgresTemplate') : ''
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`)
  // A commit need not wait for its WAL to reach the disk here: these tests never crash this server (the
  // restart fault tests run a cluster of their own), and on a slow disk each file's thousands of commits
  // each waited for a flush.
  await admin.query(`alter database ${name} set synchronous_commit = off`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 })
  if (migrate && !template) await migrateToLatest(db)
  return {
    db,
    engine,
    url: url.toString(),
    // In a run, the database itself is dropped when the run ends (integration-global-setup.ts): DROP
    // DATABASE waits for a checkpoint of the whole server, 0.1–6 s with the other files writing, and
    // each file waited for its own before the next could start.
    drop: async () => {
      await db.destroy()
      if (runPrefix) return
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}

// What the run's global set-up provided, or '' outside it (e.g. the browser project).
function provided(key: 'migratedPgliteDump' | 'migratedPostgresTemplate' | 'testDatabasePrefix'): string {
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
