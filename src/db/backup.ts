import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { type Clock, systemClock } from '../domain/clock.ts'
import { backupAuditActions, recordDatabaseEvent } from './backup-audit.ts'
import { createDatabase, type DatabaseTarget, type Db, rawEngineOf } from './database.ts'
import { describeCounts, holdsCounty, rowCounts, totalRows } from './table-census.ts'

const run = promisify(execFile)

// Backups of either engine: PostgreSQL's through pg_dump (custom format) and pg_restore; the embedded
// database's as a snapshot of its data directory (PGlite's dumpDataDir, a gzipped tarball), taken
// while no query runs, after a checkpoint. A backup holds personal data: its file is readable by its
// owner only. Each backup is audited in the database it copies, each restore in the database restored.

export type BackupTarget =
  | { engine: 'postgres'; url: string; postgresBinDir?: string }
  | { engine: 'pglite'; dataDir: string }

export type BackupReport = { file: string; bytes: number; tables: number; lines: string[] }
export type RestoreReport = { counts: Record<string, number>; keptAside: string | null; lines: string[] }

// Bad input or a target that must not be overwritten: said plainly, nothing changed.
export class BackupRefused extends Error {}

export function backupTargetOf(target: DatabaseTarget, postgresBinDir?: string): BackupTarget {
  if (target.engine === 'postgres') return { engine: 'postgres', url: target.url, postgresBinDir }
  if (!target.dataDir) throw new BackupRefused('An in-memory database has nothing on disk to back up.')
  return { engine: 'pglite', dataDir: target.dataDir }
}

export async function backupDatabase(
  target: BackupTarget,
  file: string,
  options: { clock?: Clock } = {},
): Promise<BackupReport> {
  const out = path.resolve(file)
  if (fs.existsSync(out))
    throw new BackupRefused(`${out} already exists: name a new file, or delete that one first.`)
  if (!fs.existsSync(path.dirname(out))) throw new BackupRefused(`There is no folder ${path.dirname(out)}.`)
  // Written beside the file and renamed once complete, so a failed backup never looks like a good one.
  const partial = `${out}.partial-${process.pid}`
  try {
    const tables =
      target.engine === 'pglite'
        ? await snapshotPglite(target.dataDir, partial)
        : await pgDump(target, partial)
    fs.chmodSync(partial, 0o600)
    fs.renameSync(partial, out)
    const bytes = fs.statSync(out).size
    await recordBackup(
      target,
      { file: path.basename(out), tables, bytes },
      options.clock ?? systemClock,
    ).catch((error: unknown) => {
      // No backup without its record: the file goes too.
      fs.rmSync(out, { force: true })
      throw error
    })
    const where =
      target.engine === 'pglite' ? `the embedded database (${pgliteDir(target.dataDir)})` : 'PostgreSQL'
    return {
      file: out,
      bytes,
      tables,
      lines: [`Backed up ${where} to ${out}: ${tables} tables, ${megabytes(bytes)}.`],
    }
  } finally {
    fs.rmSync(partial, { force: true })
  }
}

export async function restoreDatabase(
  target: BackupTarget,
  file: string,
  options: { force?: boolean; clock?: Clock } = {},
): Promise<RestoreReport> {
  const source = path.resolve(file)
  if (!fs.existsSync(source)) throw new BackupRefused(`There is no file ${source}.`)
  const kind = backupKind(source)
  if (target.engine === 'pglite' && kind !== 'pglite')
    throw new BackupRefused(
      kind === 'postgres'
        ? `${source} is a PostgreSQL backup (pg_dump): restore it with DATABASE_URL set to a PostgreSQL database.`
        : `${source} is not a CareHub backup (neither an embedded database snapshot nor a pg_dump archive).`,
    )
  if (target.engine === 'postgres' && kind !== 'postgres')
    throw new BackupRefused(
      kind === 'pglite'
        ? `${source} is a snapshot of the embedded database: restore it without DATABASE_URL, or move it to PostgreSQL with export-to-postgres.`
        : `${source} is not a CareHub backup (neither an embedded database snapshot nor a pg_dump archive).`,
    )
  const clock = options.clock ?? systemClock
  return target.engine === 'pglite'
    ? restorePglite(target.dataDir, source, Boolean(options.force), clock)
    : restorePostgres(target, source, Boolean(options.force), clock)
}

// Written once the file is complete, in the database just copied (so not in the backup itself).
async function recordBackup(target: BackupTarget, after: Record<string, unknown>, clock: Clock) {
  const db =
    target.engine === 'pglite'
      ? createDatabase({ engine: 'pglite', dataDir: target.dataDir })
      : createDatabase({ engine: 'postgres', url: target.url, poolSize: 1 })
  try {
    await recordDatabaseEvent(db, backupAuditActions.databaseBackedUp, after, clock)
  } finally {
    await db.destroy()
  }
}

// The restored database says so: which file, and where what it replaced was kept.
const restoredRecord = (file: string, keptAside: string | null) => ({
  file: path.basename(file),
  keptAside: keptAside && path.basename(keptAside),
})

// What a file holds, by its first bytes: a pg_dump custom archive, or a (gzipped) tarball.
export function backupKind(file: string): 'postgres' | 'pglite' | 'unknown' {
  const head = Buffer.alloc(512)
  const fd = fs.openSync(file, 'r')
  const read = fs.readSync(fd, head, 0, 512, 0)
  fs.closeSync(fd)
  if (read >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres'
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite'
  if (read >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite'
  return 'unknown'
}

const pgliteDir = (dataDir: string) => path.join(dataDir, 'pglite')
const hasPglite = (dataDir: string) => fs.existsSync(path.join(pgliteDir(dataDir), 'PG_VERSION'))
const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-')

async function snapshotPglite(dataDir: string, file: string): Promise<number> {
  if (!hasPglite(dataDir))
    throw new BackupRefused(`There is no embedded database at ${pgliteDir(dataDir)} to back up.`)
  const db = createDatabase({ engine: 'pglite', dataDir })
  try {
    const raw = rawEngineOf(db)
    if (raw?.engine !== 'pglite') throw new Error('expected the embedded database')
    // Everything written reaches the data files; the dump then runs with no query beside it.
    await raw.pglite.exec('checkpoint')
    const tables = Object.keys(await rowCounts(db)).length
    const dump = await raw.pglite.dumpDataDir('gzip')
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 })
    return tables
  } finally {
    await db.destroy()
  }
}

async function restorePglite(
  dataDir: string,
  file: string,
  force: boolean,
  clock: Clock,
): Promise<RestoreReport> {
  const current = pgliteDir(dataDir)
  let before: Record<string, number> = {}
  if (hasPglite(dataDir)) {
    const db = createDatabase({ engine: 'pglite', dataDir })
    try {
      before = await rowCounts(db)
    } finally {
      await db.destroy()
    }
    if (holdsCounty(before) && !force)
      throw new BackupRefused(
        `The embedded database at ${current} already holds data: ${describeCounts(before)}. Nothing was changed. To replace it, run the restore again with --force (what is there now is kept aside).`,
      )
  }
  const keptAside =
    fs.existsSync(current) && holdsCounty(before) ? `${current}.before-restore-${stamp()}` : null
  // Loaded and checked beside the live one, then swapped in: a bad file leaves the database as it was.
  const staging = path.join(dataDir, `.restoring-${process.pid}`)
  fs.rmSync(staging, { recursive: true, force: true })
  let counts: Record<string, number>
  try {
    const loadDataDir = new Blob([fs.readFileSync(file)])
    const db = createDatabase({ engine: 'pglite', dataDir: staging, loadDataDir })
    try {
      counts = await rowCounts(db)
      // Loaded and counted: its record goes in with it, swapped in together.
      await recordDatabaseEvent(
        db,
        backupAuditActions.databaseRestored,
        restoredRecord(file, keptAside),
        clock,
      )
    } finally {
      await db.destroy()
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true })
    if (error instanceof BackupRefused) throw error
    throw new BackupRefused(
      `${file} could not be loaded as the embedded database (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`,
    )
  }
  if (keptAside) fs.renameSync(current, keptAside)
  else fs.rmSync(current, { recursive: true, force: true })
  fs.renameSync(pgliteDir(staging), current)
  fs.rmSync(staging, { recursive: true, force: true })
  return {
    counts,
    keptAside,
    lines: restoredLines(file, `the embedded database at ${current}`, counts, keptAside, before),
  }
}

function restoredLines(
  file: string,
  where: string,
  counts: Record<string, number>,
  keptAside: string | null,
  before: Record<string, number>,
): string[] {
  const lines = [
    `Restored ${file} into ${where}: ${Object.keys(counts).length} tables, ${totalRows(counts).toLocaleString('en-GB')} rows (${describeCounts(counts)}).`,
  ]
  if (keptAside)
    lines.push(
      `The data it held before (${totalRows(before).toLocaleString('en-GB')} rows) is kept in ${keptAside}; remove it once you no longer need it.`,
    )
  lines.push('Start CareHub as usual: any migration newer than the backup is applied then.')
  return lines
}

// pg_dump and pg_restore get the URL without its password, which goes in their environment instead, so
// it never shows in the process list.
function postgresArgs(target: { url: string; postgresBinDir?: string }) {
  const url = new URL(target.url)
  const password = decodeURIComponent(url.password)
  url.password = ''
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }
  const bin = (name: string) => (target.postgresBinDir ? path.join(target.postgresBinDir, name) : name)
  return { dbname: url.toString(), env, bin }
}

async function runTool(command: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    return await run(command, args, { env, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const failed = error as { code?: string; stderr?: string; message: string }
    if (failed.code === 'ENOENT')
      throw new BackupRefused(
        `${command} was not found: install the PostgreSQL client tools, or set PG_BIN_DIR.`,
      )
    throw new BackupRefused(`${path.basename(command)} failed: ${(failed.stderr || failed.message).trim()}`)
  }
}

async function pgDump(target: { url: string; postgresBinDir?: string }, file: string): Promise<number> {
  const { dbname, env, bin } = postgresArgs(target)
  await runTool(bin('pg_dump'), ['--format=custom', '--file', file, '--dbname', dbname], env)
  const { stdout } = await runTool(bin('pg_restore'), ['--list', file], env)
  return stdout.split('\n').filter((line) => / TABLE DATA /.test(line)).length - migrationTableData(stdout)
}

const migrationTableData = (list: string) =>
  list.split('\n').filter((line) => / TABLE DATA public kysely_migration(_lock)? /.test(line)).length

async function restorePostgres(
  target: { url: string; postgresBinDir?: string },
  file: string,
  force: boolean,
  clock: Clock,
): Promise<RestoreReport> {
  const { dbname, env, bin } = postgresArgs(target)
  // The archive is read through before anything is touched: a damaged file changes nothing.
  await runTool(bin('pg_restore'), ['--list', file], env)
  const db = createDatabase({ engine: 'postgres', url: target.url, poolSize: 1 })
  let before: Record<string, number>
  let keptAside: string | null = null
  try {
    before = await rowCounts(db)
    if (holdsCounty(before) && !force)
      throw new BackupRefused(
        `The database already holds data: ${describeCounts(before)}. Nothing was changed. To replace it, run the restore again with --force (what is there now is kept aside in another schema).`,
      )
    // What is there (if anything) moves to a schema of its own; the backup fills a new, empty public.
    if (Object.keys(before).length > 0 || (await hasPublicObjects(db))) {
      const aside = `carehub_before_restore_${stamp().replace(/-/g, '_').toLowerCase()}`
      await sql`alter schema public rename to ${sql.id(aside)}`.execute(db)
      await sql`create schema public`.execute(db)
      keptAside = aside
    }
  } finally {
    await db.destroy()
  }
  try {
    await runTool(
      bin('pg_restore'),
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', dbname, file],
      env,
    )
  } catch (error) {
    if (keptAside) await putBack(target.url, keptAside)
    throw error
  }
  const after = createDatabase({ engine: 'postgres', url: target.url, poolSize: 1 })
  let counts: Record<string, number>
  try {
    counts = await rowCounts(after)
    // No county was there (at most the migrations' defaults): nothing worth keeping.
    if (keptAside && !holdsCounty(before)) {
      await sql`drop schema ${sql.id(keptAside)} cascade`.execute(after)
      keptAside = null
    }
    await recordDatabaseEvent(
      after,
      backupAuditActions.databaseRestored,
      restoredRecord(file, keptAside),
      clock,
    )
  } finally {
    await after.destroy()
  }
  const aside = keptAside ? `the schema ${keptAside} (drop schema ${keptAside} cascade, once checked)` : null
  return { counts, keptAside, lines: restoredLines(file, 'PostgreSQL', counts, aside, before) }
}

async function hasPublicObjects(db: Db) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'`.execute(db)
  return (rows[0]?.n ?? 0) > 0
}

// A failed restore puts the database back as it was.
async function putBack(url: string, aside: string) {
  const db = createDatabase({ engine: 'postgres', url, poolSize: 1 })
  try {
    await sql`drop schema public cascade`.execute(db)
    await sql`alter schema ${sql.id(aside)} rename to public`.execute(db)
  } finally {
    await db.destroy()
  }
}
