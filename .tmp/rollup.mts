import { sql } from 'kysely'
import { createDatabase } from '../src/db/database.ts'
import { rebuildRollupDay } from '../src/modules/dashboards/rollup.repository.ts'
const db = createDatabase({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/carehub_bench_national_365', poolSize: 1 })
const council = (await sql<{ id: string }>`select council_id as id from locations where council_id is not null limit 1`.execute(db)).rows[0]!.id
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < 3; i++) { const t = performance.now(); await rebuildRollupDay(trx, '2026-12-07', council); console.log('ms', performance.now() - t) }
  await sql`load 'auto_explain'`.execute(trx)
  await sql`set local auto_explain.log_min_duration = 0`.execute(trx)
  await sql`set local auto_explain.log_analyze = on`.execute(trx)
  await rebuildRollupDay(trx, '2026-12-07', council)
  throw new Error('rollback')
}).catch((e) => console.log(String(e)))
await db.destroy()
