import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { createDatabase, type Db } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { nationalGeneratorVersion, nationalSeed, type Scale } from '../src/db/seed/national-data.ts'
import { type SeedInfo, seedInfoFor } from './seeded-database.ts'

// The PGlite column: the same page measurements on the embedded engine (what `npm start` runs on), at
// county scale, the largest the generator loads into PGlite. Its data directory is seeded once by
// `carehub seed --scale county --days 365` (no DATABASE_URL, DATA_DIR pointing at it) and reused, like
// the national PostgreSQL database: a bench_seed_info table inside it says what it holds, and a
// directory without it, seeded by another generator version, or that cannot be migrated, is rebuilt.
// It lives outside the checkout, under the system's temporary folder (BENCH_PGLITE_DIR to move it).

const here = path.dirname(fileURLToPath(import.meta.url))
const carehub = path.join(here, '..', 'bin', 'carehub.js')

export type SeededPglite = { name: string; dataDir: string; reused: boolean; info: SeedInfo }

export const pgliteRoot = () => process.env.BENCH_PGLITE_DIR || path.join(os.tmpdir(), 'carehub-bench-pglite')
export const seededPgliteName = (scale: Scale, days: number) => `pglite_${scale}_${days}`

// CareHub's DATA_DIR: createDatabase({ engine: 'pglite', dataDir }) keeps the database in dataDir/pglite.
export const seededPgliteDataDir = (scale: Scale, days: number) =>
  path.join(pgliteRoot(), seededPgliteName(scale, days))

async function withPglite<T>(dataDir: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDatabase({ engine: 'pglite', dataDir })
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

async function readSeedInfo(db: Db): Promise<SeedInfo | null> {
  const exists = await sql<{ ok: boolean }>`select to_regclass('bench_seed_info') is not null as ok`.execute(
    db,
  )
  if (!exists.rows[0]?.ok) return null
  const { rows } = await sql<{
    info: SeedInfo
  }>`select info from bench_seed_info order by seeded_at desc limit 1`.execute(db)
  return rows[0]?.info ?? null
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size
  return total
}

export async function ensureSeededPglite(
  wanted: { scale: Scale; days: number },
  options: { reseed?: boolean; log?: (line: string) => void } = {},
): Promise<SeededPglite> {
  const log = options.log ?? console.log
  const name = seededPgliteName(wanted.scale, wanted.days)
  const dataDir = seededPgliteDataDir(wanted.scale, wanted.days)
  const exists = await fs
    .stat(path.join(dataDir, 'pglite'))
    .then(() => true)
    .catch(() => false)
  if (exists && !options.reseed) {
    const checked = await withPglite(dataDir, async (db) => {
      const info = await readSeedInfo(db)
      if (
        !info ||
        info.scale !== wanted.scale ||
        info.days !== wanted.days ||
        info.seed !== nationalSeed ||
        info.generatorVersion !== nationalGeneratorVersion
      )
        return { ok: false as const, why: 'was not seeded by this generator' }
      // Migrations added since it was seeded apply to it as they would to a live service's data.
      return migrateToLatest(db).then(
        (names) => ({ ok: true as const, info, names }),
        (error: unknown) => ({ ok: false as const, why: `cannot be migrated (${String(error)})` }),
      )
    }).catch((error: unknown) => ({ ok: false as const, why: `cannot be opened (${String(error)})` }))
    if (checked.ok) {
      log(
        `Reusing ${name} (${dataDir}), seeded ${checked.info.seededAt} in ${checked.info.seedSeconds.toFixed(0)} s (${checked.info.returns.toLocaleString('en-GB')} returns)${checked.names.length ? `; applied ${checked.names.join(', ')}` : ''}`,
      )
      return { name, dataDir, reused: true, info: checked.info }
    }
    log(`${name} ${checked.why}: rebuilding it`)
  }
  // Seeded beside its place and moved there when complete, so an interrupted seed is never reused.
  const seeding = `${dataDir}.seeding`
  await fs.rm(seeding, { recursive: true, force: true })
  await fs.mkdir(seeding, { recursive: true })
  log(`Seeding ${name}: carehub seed --scale ${wanted.scale} --days ${wanted.days} into PGlite at ${dataDir}`)
  const started = performance.now()
  const { DATABASE_URL: _postgres, ...env } = process.env
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [carehub, 'seed', '--scale', wanted.scale, '--days', String(wanted.days)],
      { env: { ...env, DATA_DIR: seeding }, stdio: 'inherit' },
    )
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`carehub seed ended with exit code ${code}`)),
    )
  })
  const seedSeconds = (performance.now() - started) / 1000
  const info = await withPglite(seeding, async (db) => {
    const count = await sql<{ n: string }>`select count(*)::bigint as n from situation_returns`.execute(db)
    const info = seedInfoFor(wanted, seedSeconds, 0, Number(count.rows[0]!.n))
    await sql`create table bench_seed_info (seeded_at timestamptz not null, info jsonb not null)`.execute(db)
    return info
  })
  info.sizeBytes = await sizeOf(seeding)
  await withPglite(seeding, (db) =>
    sql`insert into bench_seed_info values (now(), ${JSON.stringify(info)})`.execute(db),
  )
  await fs.rm(dataDir, { recursive: true, force: true })
  await fs.rename(seeding, dataDir)
  log(
    `Seeded ${name} in ${seedSeconds.toFixed(0)} s: ${info.returns.toLocaleString('en-GB')} returns, ${(info.sizeBytes / 1e6).toFixed(0)} MB`,
  )
  return { name, dataDir, reused: false, info }
}
