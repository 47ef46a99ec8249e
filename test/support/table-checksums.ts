import { sql } from 'kysely'
import type { DbOrTransaction } from '../../src/db/database.ts'
import { migrationTables, publicTables } from '../../src/db/table-census.ts'

// Every table's row count and a checksum of its rows: md5 over each row's text, in the rows' byte order
// (so a table without a primary key has one order too). Equal on two databases: the same data.
export async function tableChecksums(db: DbOrTransaction): Promise<Record<string, string>> {
  const sums: Record<string, string> = {}
  for (const table of await publicTables(db)) {
    if (migrationTables.has(table)) continue
    const { rows } = await sql<{ n: string; sum: string }>`
      select count(*)::text as n, md5(coalesce(string_agg(t::text, E'\n' order by t::text collate "C"), '')) as sum
      from ${sql.table(table)} t`.execute(db.withoutPlugins())
    sums[table] = `${rows[0]!.n} rows, ${rows[0]!.sum}`
  }
  return sums
}
