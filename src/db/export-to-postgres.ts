import fs from 'node:fs'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { systemClock } from '../domain/clock.ts'
import { BackupRefused } from './backup.ts'
import { backupAuditActions, recordDatabaseEvent } from './backup-audit.ts'
import { createDatabase, rawEngineOf } from './database.ts'
import { migrateToLatest } from './migrate.ts'
import { describeCounts, holdsCounty, migrationTables, rowCounts, totalRows } from './table-census.ts'

// Moves a county from the embedded database to an empty PostgreSQL database: both are migrated to the
// same version, then every table is copied in the order its foreign keys need (parents first), in one
// transaction on PostgreSQL with the tables' own triggers off (they would add rows the copy brings
// anyway: a new council's settings, beds history, dashboard marks), and every sequence set to where it
// stood. The target holds no county beforehand; the defaults its migrations wrote are replaced by the
// county's. Rows travel as JSON (row_to_json → json_populate_recordset), so every type arrives as it was.

export type ExportReport = { counts: Record<string, number>; lines: string[] }

const batchRows = 2_000

export async function exportToPostgres(dataDir: string, url: string): Promise<ExportReport> {
  if (!fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION')))
    throw new BackupRefused(`There is no embedded database at ${path.join(dataDir, 'pglite')} to move.`)
  const source = createDatabase({ engine: 'pglite', dataDir })
  const target = createDatabase({ engine: 'postgres', url, poolSize: 1 })
  try {
    await migrateToLatest(source)
    await migrateToLatest(target)
    const already = await rowCounts(target)
    if (holdsCounty(already))
      throw new BackupRefused(
        `The PostgreSQL database already holds data: ${describeCounts(already)}. Nothing was copied; move a county only into an empty database.`,
      )
    const raw = rawEngineOf(source)
    if (raw?.engine !== 'pglite') throw new Error('expected the embedded database')
    const expected = await rowCounts(source)
    await copyEverything(raw.pglite, url, Object.keys(expected))
    const counts = await rowCounts(target)
    const differing = Object.keys(expected).filter((t) => expected[t] !== counts[t])
    if (differing.length) throw new Error(`Row counts differ after the copy in: ${differing.join(', ')}`)
    // The PostgreSQL database's audit trail starts its own life with the move (the counts copied).
    await recordDatabaseEvent(
      target,
      backupAuditActions.databaseMovedToPostgres,
      { from: 'embedded database', tables: Object.keys(counts).length, rows: totalRows(counts) },
      systemClock,
    )
    return {
      counts,
      lines: [
        `Copied the embedded database (${path.join(dataDir, 'pglite')}) to PostgreSQL: ${Object.keys(counts).length} tables, ${totalRows(counts).toLocaleString('en-GB')} rows (${describeCounts(counts)}); sequences set.`,
        'Start CareHub with DATABASE_URL set to that database. The embedded database is left as it was.',
      ],
    }
  } finally {
    await source.destroy()
    await target.destroy()
  }
}

async function copyEverything(pglite: PGlite, url: string, tables: string[]) {
  const order = dependencyOrder(tables, await foreignKeys(pglite))
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query('begin')
    // What the target's migrations filled in (default rules, templates) gives way to the county's own.
    const copied = order.filter((t) => !migrationTables.has(t))
    await client.query(`truncate ${copied.map(ident).join(', ')}`)
    for (const table of order) await client.query(`alter table ${ident(table)} disable trigger user`)
    for (const table of order) await copyTable(pglite, client, table)
    for (const table of order) await client.query(`alter table ${ident(table)} enable trigger user`)
    await copySequences(pglite, client)
    await client.query('commit')
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    await client.end()
  }
}

type ForeignKey = { child: string; parent: string }

async function foreignKeys(pglite: PGlite): Promise<ForeignKey[]> {
  const { rows } = await pglite.query<ForeignKey>(`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = 'public'`)
  return rows
}

// Parents before children. A table referring to itself (a payment run replacing another) is copied in
// one statement, whose foreign-key checks run once all its rows are in.
export function dependencyOrder(tables: string[], keys: ForeignKey[]): string[] {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]))
  for (const { child, parent } of keys) if (child !== parent) parents.get(child)?.add(parent)
  const ordered: string[] = []
  const placed = new Set<string>()
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)),
    )
    if (!ready.length)
      throw new Error(`Foreign keys form a cycle among: ${tables.filter((t) => !placed.has(t)).join(', ')}`)
    for (const t of ready) {
      ordered.push(t)
      placed.add(t)
    }
  }
  return ordered
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

async function copyTable(pglite: PGlite, client: pg.Client, table: string) {
  if (migrationTables.has(table)) return
  const selfReferring = (
    await pglite.query<{ n: number }>(
      `select count(*)::int as n from pg_constraint where contype = 'f' and conrelid = $1::regclass and confrelid = conrelid`,
      [table],
    )
  ).rows[0]!.n
  const columns = (
    await pglite.query<{ name: string }>(
      `select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped
       and attgenerated = '' order by attnum`,
      [table],
    )
  ).rows.map((r) => ident(r.name))
  const insert = `insert into ${ident(table)} (${columns.join(', ')}) overriding system value
    select ${columns.join(', ')} from json_populate_recordset(null::${ident(table)}, $1::json)`
  // A cursor reads the table a batch at a time (the embedded database has one connection: this one).
  await pglite.exec(
    `begin; declare copy_rows no scroll cursor for select row_to_json(t)::text as r from ${ident(table)} t`,
  )
  try {
    const size = selfReferring ? 'all' : String(batchRows)
    for (;;) {
      const { rows } = await pglite.query<{ r: string }>(`fetch ${size} from copy_rows`)
      if (!rows.length) break
      await client.query(insert, [`[${rows.map((row) => row.r).join(',')}]`])
      if (selfReferring) break
    }
  } finally {
    await pglite.exec('close copy_rows; commit')
  }
}

async function copySequences(pglite: PGlite, client: pg.Client) {
  const { rows } = await pglite.query<{ name: string }>(
    `select sequencename as name from pg_sequences where schemaname = 'public'`,
  )
  for (const { name } of rows) {
    const state = (
      await pglite.query<{ lastValue: string; isCalled: boolean }>(
        `select last_value::text as "lastValue", is_called as "isCalled" from ${ident(name)}`,
      )
    ).rows[0]!
    await client.query('select setval($1::regclass, $2::bigint, $3)', [name, state.lastValue, state.isCalled])
  }
}
