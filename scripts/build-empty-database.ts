import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import { createDatabase } from '../src/db/database.ts'
import { currentManifest, emptyDatabaseFiles } from '../src/db/empty-database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'

// Makes src/db/empty-database/: an embedded database after initdb and every migration, as PGlite's
// `dumpDataDir`, compressed with Brotli, and the manifest that says what it holds. A fresh `npm start` loads it instead
// of running initdb and the migrations (src/db/empty-database.ts). Run after adding a migration or
// upgrading PGlite (`npx tsx scripts/build-empty-database.ts`); empty-database.test.ts fails until then.
// The same inputs give the same schema and rows, not the same bytes (initdb picks a new system id).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-empty-database-'))
try {
  const db = createDatabase({ engine: 'pglite', dataDir: work })
  const applied = await migrateToLatest(db)
  await db.destroy()
  const pglite = await PGlite.create(path.join(work, 'pglite'))
  const tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer())
  await pglite.close()
  // Brotli rather than PGlite's gzip: 2.4 MB against 6 MB, and quicker to unpack.
  const tarball = zlib.brotliCompressSync(tar, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  })
  fs.mkdirSync(path.dirname(emptyDatabaseFiles.tarball), { recursive: true })
  fs.writeFileSync(emptyDatabaseFiles.tarball, tarball)
  fs.writeFileSync(emptyDatabaseFiles.manifest, `${JSON.stringify(currentManifest(), null, 2)}\n`)
  console.log(
    `${path.relative(process.cwd(), emptyDatabaseFiles.tarball)}: ${applied.length} migrations, ${(tarball.length / 1e6).toFixed(1)} MB`,
  )
} finally {
  fs.rmSync(work, { recursive: true, force: true })
}
