import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts'
import { createDatabase, type Db } from './database.ts'
import { migrateToLatest, migrationNames } from './migrate.ts'

// A new embedded data directory starts from the prepared empty database (empty-database.ts): it must be
// the database initdb and every migration make, table by table, index by index, row count by row count.
describe('a new embedded data directory', () => {
  let dir: string
  let prepared: Db
  let migrated: TestDatabase

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-empty-'))
    prepared = createDatabase({ engine: 'pglite', dataDir: dir })
    migrated = await createTestDatabase('pglite', { migrate: false })
    await migrateToLatest(migrated.db)
  })
  afterAll(async () => {
    await prepared?.destroy()
    await migrated?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('starts with every migration applied, and none left to run', async () => {
    const names = await prepared
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute()
    expect(names.map((r) => (r as { name: string }).name).sort()).toEqual([...migrationNames].sort())
    expect(await migrateToLatest(prepared)).toEqual([])
  })

  it('holds the schema and the rows initdb and the migrations make', async () => {
    expect(await fingerprint(prepared)).toEqual(await fingerprint(migrated.db))
  })
})

// The schema (columns, constraints, indexes, functions, triggers) and each table's row count.
async function fingerprint(db: Db) {
  const rows = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows
  const tables = (await rows(sql`
    select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as { name: string }[]
  const counts: Record<string, number> = {}
  for (const { name } of tables)
    counts[name] = Number(
      ((await rows(sql`select count(*) as n from ${sql.table(name)}`)) as { n: string }[])[0]!.n,
    )
  return {
    columns: await rows(sql`
      select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
       where table_schema = 'public' order by 1, 2`),
    constraints: await rows(sql`
      select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def from pg_constraint
       where connamespace = 'public'::regnamespace order by 1, 2`),
    indexes: await rows(
      sql`select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`,
    ),
    functions: await rows(sql`
      select proname, md5(prosrc) as source from pg_proc where pronamespace = 'public'::regnamespace order by 1, 2`),
    triggers: await rows(sql`
      select tgname, pg_get_triggerdef(oid) as def from pg_trigger where not tgisinternal order by 1`),
    counts,
  }
}
