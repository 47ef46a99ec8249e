import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { emptyDatabaseTarball } from './empty-database.ts'
import { prepareRepeatedStatements } from './prepared-statements.ts'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>
export type DbOrTransaction = Kysely<Database> | Transaction<Database>

export type DatabaseTarget =
  | { engine: 'postgres'; url: string; poolSize?: number }
  // dataDir null: in memory; loadDataDir: start from a dump (PGlite's dumpDataDir), as the browser tests
  // do, or as a restore does into a new data directory (src/db/backup.ts)
  | { engine: 'pglite'; dataDir: string | null; loadDataDir?: Blob }

// Dates stay as ISO strings (no time-zone shifts); bigints come back as strings, so ids never lose precision.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)

// The driver-level handle behind a Db, for the one thing Kysely cannot do: bulk loads with COPY
// (see src/modules/directory/bulk-load.ts). Keyed on the Db's adapter, which Kysely shares with every
// instance derived from it (transactions, withPlugin), so a derived Db finds it too.
export type RawEngine = { engine: 'postgres'; pool: pg.Pool } | { engine: 'pglite'; pglite: PGlite }
const rawEngines = new WeakMap<object, RawEngine>()

export function rawEngineOf(db: DbOrTransaction): RawEngine | null {
  return rawEngines.get(db.getExecutor().adapter) ?? null
}

export const idleConnectionMs = 5 * 60_000
const connectionTimeoutMs = 10_000

export function createDatabase(target: DatabaseTarget): Db {
  const plugins = [new CamelCasePlugin()]
  if (target.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      // A new connection is a new server process with cold caches and none of the prepared statements:
      // after a burst (the morning's returns) they are kept for minutes, not pg's default ten seconds.
      idleTimeoutMillis: idleConnectionMs,
      // A database that cannot be reached (packets dropped rather than refused) fails the request after
      // this long, as does a wait this long for a free connection: a 503 the client retries.
      connectionTimeoutMillis: connectionTimeoutMs,
    })
    // A connection dropped by the server (a restart, a failover) or on the way (a proxy, the network)
    // must not crash the process with an unhandled 'error' event. pg listens itself only while a
    // connection is idle in the pool (and removes it); one in use also fails its query, which the
    // request answers with a 503 (see database-unavailable.ts). Either way pg discards the connection
    // when it is released, and the next query opens a fresh one.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    prepareRepeatedStatements(pool)
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins })
    rawEngines.set(db.getExecutor().adapter, { engine: 'postgres', pool })
    return db
  }
  let pglite: PGlite
  if (target.dataDir) {
    const dir = path.join(target.dataDir, 'pglite')
    fs.mkdirSync(dir, { recursive: true })
    // A backup being restored, else (a new data directory) the prepared empty database.
    pglite = new PGlite(dir, {
      parsers: { 1082: (v: string) => v },
      loadDataDir: target.loadDataDir ?? newDatabaseIn(dir),
    })
  } else {
    pglite = new PGlite({ parsers: { 1082: (v: string) => v }, loadDataDir: target.loadDataDir })
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins })
  rawEngines.set(db.getExecutor().adapter, { engine: 'pglite', pglite })
  return db
}

// An in-memory database (tests, set-ups) that starts from the prepared empty one when that is up to
// date, as a new data directory does: migrateToLatest then has only newer migrations, if any, to run.
export function createMigratableMemoryDatabase(): Db {
  const prepared = emptyDatabaseTarball()
  return createDatabase({
    engine: 'pglite',
    dataDir: null,
    loadDataDir: 'tarball' in prepared ? prepared.tarball : undefined,
  })
}

// A data directory with no database yet starts from the prepared empty one (empty-database.ts) rather
// than initdb and every migration, when that is up to date; otherwise PGlite runs initdb, as it would.
function newDatabaseIn(dir: string): Blob | undefined {
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return undefined
  const prepared = emptyDatabaseTarball()
  if ('reason' in prepared) {
    console.warn(`New embedded database: running initdb and every migration (${prepared.reason}).`)
    return undefined
  }
  return prepared.tarball
}

export function databaseTargetFromConfig(config: {
  databaseUrl: string | undefined
  dataDir: string
  databasePoolSize: number
}): DatabaseTarget {
  return config.databaseUrl
    ? { engine: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize }
    : { engine: 'pglite', dataDir: config.dataDir }
}
