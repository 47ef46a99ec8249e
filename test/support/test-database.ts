import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createDatabase, type Db } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

export type Engine = 'pglite' | 'postgres'

// Integration tests run on the embedded database, and again on PostgreSQL when TEST_DATABASE_URL is set.
export const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

// url: the database's own connection string (PostgreSQL only), for a second connection pool to it.
export type TestDatabase = { db: Db; engine: Engine; url: string | null; drop: () => Promise<void> }

// Each test file gets a fresh, migrated database of its own: nothing is shared between files.
// `migrate: false` leaves it empty, for a test of a migration to apply migrations itself.
export async function createTestDatabase(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true
  if (engine === 'pglite') {
    const db = createDatabase({ engine: 'pglite', dataDir: null })
    if (migrate) await migrateToLatest(db)
    return { db, engine, url: null, drop: () => db.destroy() }
  }
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `carehub_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = createDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 })
  if (migrate) await migrateToLatest(db)
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
