import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>
export type DbOrTransaction = Kysely<Database> | Transaction<Database>

export type DatabaseTarget =
  | { engine: 'postgres'; url: string; poolSize?: number }
  | { engine: 'pglite'; dataDir: string | null } // null: in memory

// Dates stay as ISO strings (no time-zone shifts); bigints come back as strings, so ids never lose precision.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)

export function createDatabase(target: DatabaseTarget): Db {
  const plugins = [new CamelCasePlugin()]
  if (target.engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 })
    // An idle connection dropped by the server (a restart, a failover) must not crash the process: pg
    // removes it from the pool, and the next query opens a fresh one.
    pool.on('error', () => {})
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins })
  }
  let pglite: PGlite
  if (target.dataDir) {
    const dir = path.join(target.dataDir, 'pglite')
    fs.mkdirSync(dir, { recursive: true })
    pglite = new PGlite(dir, { parsers: { 1082: (v: string) => v } })
  } else {
    pglite = new PGlite({ parsers: { 1082: (v: string) => v } })
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins })
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
