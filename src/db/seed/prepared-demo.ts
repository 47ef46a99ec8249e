import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { createDatabase } from '../database.ts'
import { currentManifest as emptyDatabaseManifest } from '../empty-database.ts'
import { migrateToLatest } from '../migrate.ts'
import { type DemoSummary, loadDemoCounty } from './demo-county.ts'

// The demo county made by `npm install` (package.json's prepare: `carehub prepare-demo`), so that the
// first `npm start` the same day moves its data directory into place instead of loading the demo (about
// 6 s of a 9 s start on the 2-core machine). It is made on this machine by this copy's own code and seed,
// so it holds what that first start would load (its random ids and password hashes this installation's
// own); nothing in it is sealed with a secret (the start seals the demo's two-step key with its own,
// main.ts). The demo's dates are relative to the moment it was loaded, so it is used only on the London
// day it was made for, and only while the PGlite, the migrations and every source file are those it was
// made with; otherwise the start loads the demo as before and says why. Under dist/ (not in git): the
// install makes it, `npm run prepare` makes it again.
const srcFolder = path.resolve(import.meta.dirname, '..', '..')
export const preparedDemoFolder = path.join(srcFolder, '..', 'dist', 'demo-database')
export const preparedDemoLocations = 800

export type PreparedDemoManifest = {
  // The London day the demo's dates were made for.
  londonDate: string
  locations: number
  pglite: string
  migrations: { name: string; sha256: string }[]
  // Every source file of the app (src/, tests left out) with its SHA-256: the demo's loaders and
  // everything they call, migrations included.
  sources: Record<string, string>
}

const manifestIn = (folder: string) => path.join(folder, 'manifest.json')
const pgliteIn = (folder: string) => path.join(folder, 'pglite')

// What a prepared demo must say of itself to be used now. `locations`: the county's size (a test's smaller).
export function currentPreparedDemoManifest(
  now: Date,
  locations = preparedDemoLocations,
): PreparedDemoManifest {
  const { pglite, migrations } = emptyDatabaseManifest()
  return { londonDate: londonDate(now), locations, pglite, migrations, sources: sourceHashes() }
}

// Why a prepared demo cannot be used now, or null when it can.
export function preparedDemoStaleness(
  prepared: PreparedDemoManifest,
  current: PreparedDemoManifest,
): string | null {
  if (prepared.londonDate !== current.londonDate)
    return `it was made for ${prepared.londonDate}, today is ${current.londonDate}`
  if (prepared.locations !== current.locations)
    return `it holds ${prepared.locations} locations, not ${current.locations}`
  if (prepared.pglite !== current.pglite)
    return `it was made with PGlite ${prepared.pglite}, installed ${current.pglite}`
  const names = (m: PreparedDemoManifest) => m.migrations.map((x) => `${x.name} ${x.sha256}`).join('\n')
  if (names(prepared) !== names(current)) return 'the migrations have changed since it was made'
  for (const [file, sha256] of Object.entries(current.sources)) {
    if (!(file in prepared.sources)) return `${file} is new since it was made`
    if (prepared.sources[file] !== sha256) return `${file} has changed since it was made`
  }
  for (const file of Object.keys(prepared.sources))
    if (!(file in current.sources)) return `${file} has gone since it was made`
  return null
}

// Loads the demo county into a new embedded database in `folder` (replacing any there), closes it
// cleanly and writes the manifest last: a folder without one is never used.
export async function makePreparedDemo(
  folder: string,
  clock: Clock,
  locationCount = preparedDemoLocations,
): Promise<DemoSummary> {
  const work = `${folder}.partial`
  fs.rmSync(work, { recursive: true, force: true })
  const db = createDatabase({ engine: 'pglite', dataDir: work })
  let summary: DemoSummary
  try {
    await migrateToLatest(db)
    summary = await loadDemoCounty(db, clock, locationCount)
  } finally {
    await db.destroy()
  }
  const manifest = currentPreparedDemoManifest(clock.now(), locationCount)
  fs.writeFileSync(manifestIn(work), `${JSON.stringify(manifest, null, 1)}\n`)
  fs.rmSync(folder, { recursive: true, force: true })
  fs.renameSync(work, folder)
  return summary
}

// Makes the prepared demo `dataDir`'s embedded database, when the data directory has no database yet
// and there is a prepared demo that may be used now; otherwise touches nothing and says why not (null:
// the data directory has a database, so there is no first start to speed up). The prepared directory is
// moved, not copied, where it can be (the same file system): a rename is instant, a copy of its
// ~200 MB took 0.4–1.7 s. So it serves one first start; `npm run prepare` makes another.
export function takePreparedDemo(
  folder: string,
  dataDir: string,
  now: Date,
  locations = preparedDemoLocations,
): { madeFor: string; how: 'moved' | 'copied' } | { reason: string } | null {
  const target = path.join(dataDir, 'pglite')
  if (fs.existsSync(path.join(target, 'PG_VERSION'))) return null
  let prepared: PreparedDemoManifest
  try {
    prepared = JSON.parse(fs.readFileSync(manifestIn(folder), 'utf8'))
  } catch {
    return {
      reason: 'none was made at install, or an earlier first start took it (npm run prepare makes one)',
    }
  }
  const reason = preparedDemoStaleness(prepared, currentPreparedDemoManifest(now, locations))
  if (reason) return { reason }
  // Into place through a directory beside it, then renamed: one cut short leaves no half database.
  const partial = `${target}.partial`
  try {
    fs.rmSync(partial, { recursive: true, force: true })
    fs.mkdirSync(dataDir, { recursive: true })
    // The manifest goes first: a prepared folder is never left saying it holds a database it has not.
    fs.rmSync(manifestIn(folder))
    let how: 'moved' | 'copied' = 'moved'
    try {
      fs.renameSync(pgliteIn(folder), partial)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
      // Another file system: copied (a copy-on-write clone where it has them), and left for another start.
      fs.cpSync(pgliteIn(folder), partial, { recursive: true, mode: fs.constants.COPYFILE_FICLONE })
      fs.writeFileSync(manifestIn(folder), `${JSON.stringify(prepared, null, 1)}\n`)
      how = 'copied'
    }
    fs.rmSync(target, { recursive: true, force: true })
    fs.renameSync(partial, target)
    return { madeFor: prepared.londonDate, how }
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true })
    return { reason: `it could not be put in place (${(error as Error).message})` }
  }
}

function sourceHashes(): Record<string, string> {
  const hashes: Record<string, string> = {}
  const files = fs
    .readdirSync(srcFolder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.split(path.sep).join('/'))
    .sort()
  for (const file of files)
    hashes[`src/${file}`] = createHash('sha256')
      .update(fs.readFileSync(path.join(srcFolder, file)))
      .digest('hex')
  return hashes
}
