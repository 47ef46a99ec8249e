import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import zlib from 'node:zlib'
import { migrationNames } from './migrate.ts'

// A fresh embedded database starts from a data directory shipped in the repository: PGlite's
// `dumpDataDir` of a database made by initdb and every migration (scripts/build-empty-database.ts
// makes it). Loading it takes a fraction of initdb and the migrations (about 0.5 s against 3–4 s on
// the 2-core machine), most of the first start. Any migration added since runs after it as usual.
// It is used only when it is exactly what initdb and the migrations would make: the same PGlite, and
// its migrations the first of ours, each file unchanged (by hash); otherwise the start runs initdb, as
// before, never from a stale copy. A test keeps it up to date (empty-database.test.ts).
const folder = path.join(import.meta.dirname, 'empty-database')
export const emptyDatabaseFiles = {
  tarball: path.join(folder, 'pgdata.tar.br'),
  manifest: path.join(folder, 'manifest.json'),
}

export type EmptyDatabaseManifest = {
  pglite: string
  migrations: { name: string; sha256: string }[]
}

// What the shipped data directory must say of itself to be used today: the installed PGlite, and
// every migration file's hash (its name, in the same order, as migrate.ts lists them).
export function currentManifest(): EmptyDatabaseManifest {
  return {
    pglite: pgliteVersion(),
    migrations: migrationNames.map((name) => ({
      name,
      sha256: createHash('sha256')
        .update(fs.readFileSync(path.join(import.meta.dirname, 'migrations', `${name}.ts`)))
        .digest('hex'),
    })),
  }
}

// Why the shipped data directory cannot be used, or null when it can.
export function staleness(shipped: EmptyDatabaseManifest, current = currentManifest()): string | null {
  if (shipped.pglite !== current.pglite)
    return `made with PGlite ${shipped.pglite}, installed ${current.pglite}`
  for (const [i, m] of shipped.migrations.entries()) {
    const now = current.migrations[i]
    if (!now || now.name !== m.name) return `migration ${m.name} is not where it was in migrate.ts`
    if (now.sha256 !== m.sha256) return `migration ${m.name} has changed since`
  }
  return null
}

// The shipped data directory as PGlite's `loadDataDir` takes it, or why not.
export function emptyDatabaseTarball(): { tarball: Blob } | { reason: string } {
  let shipped: EmptyDatabaseManifest
  try {
    shipped = JSON.parse(fs.readFileSync(emptyDatabaseFiles.manifest, 'utf8'))
  } catch {
    return { reason: 'no prepared empty database in this copy' }
  }
  const reason = staleness(shipped)
  if (reason) return { reason }
  return { tarball: new Blob([zlib.brotliDecompressSync(fs.readFileSync(emptyDatabaseFiles.tarball))]) }
}

function pgliteVersion(): string {
  // The package's exports hide its package.json: found from its entry point instead.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version
}
