import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { nationalGeneratorVersion, nationalSeed, type Scale } from '../src/db/seed/national-data.ts'

// The national-scale measurements share one database, seeded once by `carehub seed --scale … --days …`
// and reused by later runs: carehub_bench_<scale>_<days> on the bench server, with a bench_seed_info row
// saying what it holds. A database without that row, or seeded by another generator version, is rebuilt;
// one that cannot be migrated is left alone, with the reason (--reseed rebuilds it).

const here = path.dirname(fileURLToPath(import.meta.url))
const carehub = path.join(here, '..', 'bin', 'carehub.js')

export type SeedInfo = {
  scale: Scale
  days: number
  seed: number
  generatorVersion: number
  seededAt: string
  seedSeconds: number
  sizeBytes: number
  returns: number
}

// What a seeding made, recorded in bench_seed_info (this generator's seed and version, made now).
export function seedInfoFor(
  wanted: { scale: Scale; days: number },
  seedSeconds: number,
  sizeBytes: number,
  returns: number,
): SeedInfo {
  return {
    scale: wanted.scale,
    days: wanted.days,
    seed: nationalSeed,
    generatorVersion: nationalGeneratorVersion,
    seededAt: new Date().toISOString(),
    seedSeconds,
    sizeBytes,
    returns,
  }
}

export type SeededDatabase = { name: string; url: string; reused: boolean; info: SeedInfo }

export const seededDatabaseName = (scale: Scale, days: number) => `carehub_bench_${scale}_${days}`

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function readSeedInfo(url: string): Promise<SeedInfo | null> {
  return withClient(url, async (c) => {
    const exists = await c.query("select to_regclass('bench_seed_info') is not null as ok")
    if (!exists.rows[0]?.ok) return null
    const { rows } = await c.query('select info from bench_seed_info order by seeded_at desc limit 1')
    return (rows[0]?.info as SeedInfo | undefined) ?? null
  })
}

export async function ensureSeededDatabase(
  serverUrl: string,
  wanted: { scale: Scale; days: number },
  options: { reseed?: boolean; log?: (line: string) => void } = {},
): Promise<SeededDatabase> {
  const log = options.log ?? console.log
  const name = seededDatabaseName(wanted.scale, wanted.days)
  const url = databaseUrl(serverUrl, name)
  const exists = await withClient(serverUrl, async (c) =>
    Boolean((await c.query('select 1 from pg_database where datname = $1', [name])).rowCount),
  )
  if (exists && !options.reseed) {
    const info = await readSeedInfo(url)
    if (
      info &&
      info.scale === wanted.scale &&
      info.days === wanted.days &&
      info.seed === nationalSeed &&
      info.generatorVersion === nationalGeneratorVersion
    ) {
      // Migrations added since it was seeded apply to it as they would to a live service's database.
      const db = createDatabase({ engine: 'postgres', url, poolSize: 1 })
      const applied = await migrateToLatest(db)
        .then((names) => ({ ok: true as const, names }))
        .catch((error: unknown) => ({ ok: false as const, error }))
        .finally(() => db.destroy())
      if (applied.ok) {
        log(
          `Reusing ${name}, seeded ${info.seededAt} (${info.returns.toLocaleString('en-GB')} returns)${applied.names.length ? `; applied ${applied.names.join(', ')}` : ''}`,
        )
        return { name, url, reused: true, info }
      }
      // Never dropped here: the usual cause is a checkout without a migration that another checkout
      // has applied, and rebuilding takes minutes from everyone sharing the database.
      throw new Error(
        `${name} cannot be migrated (${String(applied.error)}). Another checkout may have applied a migration this one lacks; run with --reseed to rebuild it.`,
      )
    } else log(`${name} was not seeded by this generator: rebuilding it`)
  }
  await withClient(serverUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`)
    await c.query(`create database ${name}`)
  })
  log(`Seeding ${name}: carehub seed --scale ${wanted.scale} --days ${wanted.days}`)
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [carehub, 'seed', '--scale', wanted.scale, '--days', String(wanted.days)],
      { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' },
    )
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`carehub seed ended with exit code ${code}`)),
    )
  })
  const seedSeconds = (performance.now() - started) / 1000
  const info = await withClient(url, async (c) => {
    const size = await c.query('select pg_database_size(current_database()) as size')
    const count = await c.query('select count(*)::bigint as n from situation_returns')
    const info = seedInfoFor(wanted, seedSeconds, Number(size.rows[0].size), Number(count.rows[0].n))
    await c.query('create table bench_seed_info (seeded_at timestamptz not null, info jsonb not null)')
    await c.query('insert into bench_seed_info values (now(), $1)', [JSON.stringify(info)])
    return info
  })
  log(
    `Seeded ${name} in ${seedSeconds.toFixed(0)} s: ${info.returns.toLocaleString('en-GB')} returns, ${(info.sizeBytes / 1e9).toFixed(1)} GB`,
  )
  return { name, url, reused: false, info }
}
