import { sql } from 'kysely'
import type { DbOrTransaction } from './database.ts'

// Kysely's own bookkeeping: which migrations ran. Not CareHub's data.
export const migrationTables = new Set(['kysely_migration', 'kysely_migration_lock'])

// CareHub's tables, in name order (the public schema, where the migrations create them).
export async function publicTables(db: DbOrTransaction): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(
    db.withoutPlugins(),
  )
  return rows.map((r) => r.name)
}

// How many rows each of CareHub's tables holds (the migrations' bookkeeping left out): what a restore
// reports, and how it tells an empty database from one holding data.
export async function rowCounts(db: DbOrTransaction): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of await publicTables(db)) {
    if (migrationTables.has(table)) continue
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(
      db.withoutPlugins(),
    )
    counts[table] = Number(rows[0]?.n ?? 0)
  }
  return counts
}

// Whether a database holds a county: any organisation at all, as the demo's loader decides (the
// migrations themselves fill a few tables with defaults: risk rules, return templates, settings).
export const holdsCounty = (counts: Record<string, number>) => (counts.organisations ?? 0) > 0

export const totalRows = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

// The tables holding data, largest first, for a message: "organisations (12), users (40), …".
export function describeCounts(counts: Record<string, number>, limit = 5): string {
  const held = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
  const shown = held.slice(0, limit).map(([table, n]) => `${table} (${n.toLocaleString('en-GB')})`)
  return held.length > limit ? `${shown.join(', ')} and ${held.length - limit} more tables` : shown.join(', ')
}
