import { sql } from 'kysely'
import { createDatabase } from '../src/db/database.ts'
import { onlyLocations, summariesQuery, widestScanFrom } from '../src/modules/early-warning/risk-measures.ts'
const db = createDatabase({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/carehub_bench_national_365', poolSize: 1 })
const ids = (await sql<{ id: string }>`select id from locations where service_type <> 'home_care' order by random() limit 437`.execute(db)).rows.map((r) => r.id)
const today = '2026-12-07'
const arr = sql`${sql.val(ids)}::uuid[]`
const q = summariesQuery(today, widestScanFrom(today), onlyLocations(arr))

for (let i = 0; i < 2; i++) {
  const t = performance.now()
  const r = await sql<any>`explain (analyze, buffers) ${q}`.execute(db.withoutPlugins())
  if (i === 1) console.log(r.rows.map((x: any) => x['QUERY PLAN']).filter((l: string) => /Scan|Execution|Planning/.test(l)).join('\n'))
  console.log('ms', performance.now() - t)
}
await db.destroy()
