import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  currentManifest,
  type EmptyDatabaseManifest,
  emptyDatabaseFiles,
  staleness,
} from './empty-database.ts'

// The shipped empty database (src/db/empty-database/) must hold exactly our migrations, so that a new
// or changed migration cannot leave it behind without this failing.
describe('the prepared empty database', () => {
  it('holds every migration as it is now, made with the installed PGlite', () => {
    const shipped: EmptyDatabaseManifest = JSON.parse(fs.readFileSync(emptyDatabaseFiles.manifest, 'utf8'))
    // When this fails: `npx tsx scripts/build-empty-database.ts`, and commit src/db/empty-database/.
    expect(shipped).toEqual(currentManifest())
    expect(fs.statSync(emptyDatabaseFiles.tarball).size).toBeGreaterThan(100_000)
  })

  const current: EmptyDatabaseManifest = {
    pglite: '0.5.16',
    migrations: [
      { name: '0001-a', sha256: 'aa' },
      { name: '0002-b', sha256: 'bb' },
    ],
  }

  it('is used when its migrations are the first of ours, unchanged, on the same PGlite', () => {
    expect(staleness(current, current)).toBeNull()
    expect(staleness({ ...current, migrations: current.migrations.slice(0, 1) }, current)).toBeNull()
  })

  it('is not used after a migration it holds changed, moved or went, or with another PGlite', () => {
    const [a, b] = current.migrations as [
      EmptyDatabaseManifest['migrations'][0],
      EmptyDatabaseManifest['migrations'][0],
    ]
    expect(staleness({ ...current, pglite: '0.5.15' }, current)).toBe(
      'made with PGlite 0.5.15, installed 0.5.16',
    )
    expect(staleness({ ...current, migrations: [a, { ...b, sha256: 'cc' }] }, current)).toBe(
      'migration 0002-b has changed since',
    )
    expect(staleness(current, { ...current, migrations: [b, a] })).toBe(
      'migration 0001-a is not where it was in migrate.ts',
    )
    expect(staleness(current, { ...current, migrations: [a] })).toBe(
      'migration 0002-b is not where it was in migrate.ts',
    )
  })
})
