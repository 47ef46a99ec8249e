import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { systemClock } from '../../src/domain/clock.ts'
import { createPreview, saveImport } from '../../src/modules/directory/cqc-import.service.ts'
import { generateCareDirectoryCsv } from '../cqc-fixture.ts'

const engine = process.argv[2] as 'postgres' | 'pglite'
const rows = Number(process.argv[3])
const g = generateCareDirectoryCsv(rows)
let db
let drop = async () => {}
if (engine === 'pglite') db = createDatabase({ engine: 'pglite', dataDir: null })
else {
  const admin = 'postgres://postgres@127.0.0.1:5432/test'
  const name = `carehub_bench_${randomBytes(6).toString('hex')}`
  const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`create database ${name}`); await c.end()
  const u = new URL(admin); u.pathname = `/${name}`
  db = createDatabase({ engine: 'postgres', url: u.toString(), poolSize: 5 })
  drop = async () => { const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`drop database ${name} with (force)`); await c.end() }
}
await migrateToLatest(db)
let peak = 0
const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 50)
const t0 = performance.now()
const p = await createPreview(db, systemClock, { userId: null, organisationId: null }, { fileName: 'x.csv', content: g.content, areaName: null, closeMissing: false })
const t1 = performance.now()
console.log('preview', ((t1 - t0) / 1000).toFixed(2), p.counts)
await saveImport(db, systemClock, p.id, { userId: null, organisationId: null })
const t2 = performance.now()
clearInterval(iv)
console.log('save', ((t2 - t1) / 1000).toFixed(2), 'total', ((t2 - t0) / 1000).toFixed(2), 'peak MB', (peak / 2 ** 20).toFixed(0), 'maxRSS', (process.resourceUsage().maxRSS / 1024).toFixed(0))
await db.destroy(); await drop()
