// `npx tsx bench/seed-design.ts [scale] [days]`: what dropping the returns table's indexes around the
// COPY buys. Seeds the same data twice into two fresh databases on the bench server, with and without
// the indexes in place during the load, and prints the times. Not part of `npm run bench` (it is a
// design check, run when the generator changes; figures in docs/performance.md).
import os from 'node:os'
import { createDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { loadNationalData, type NationalSeedSummary } from '../src/db/seed/national.ts'
import { isScale } from '../src/db/seed/national-data.ts'
import { createFreshDatabase, findServer } from './postgres.ts'

const scale = process.argv[2] ?? 'region'
const days = Number(process.argv[3] ?? 365)
if (!isScale(scale)) throw new Error(`unknown scale ${scale}`)
const server = await findServer()
if (server.url === null) throw new Error(server.reason)
const serverUrl = server.url
const results: { keepIndexes: boolean; summary: NationalSeedSummary; load: number[] }[] = []
for (const keepIndexes of [false, true]) {
  const database = await createFreshDatabase(serverUrl)
  try {
    const db = createDatabase({ engine: 'postgres', url: database.url, poolSize: 1 })
    await migrateToLatest(db)
    await db.destroy()
    const load = [os.loadavg()[0]!]
    const summary = await loadNationalData(
      { engine: 'postgres', url: database.url },
      { scale, days, now: new Date(), keepIndexes },
    )
    load.push(os.loadavg()[0]!)
    results.push({ keepIndexes, summary, load })
    const t = summary.seconds
    console.log(
      `${keepIndexes ? 'indexes kept during COPY   ' : 'indexes dropped and rebuilt'}: ${summary.returns.toLocaleString('en-GB')} returns, total ${t.total.toFixed(1)} s (returns ${t.returns.toFixed(1)} s, index build ${t.indexes.toFixed(1)} s); load average ${load.map((l) => l.toFixed(1)).join(' → ')}`,
    )
  } finally {
    await database.drop()
  }
}
