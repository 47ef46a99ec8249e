import { sql } from 'kysely'
import { createDatabase } from '../src/db/database.ts'
import { noCouncil, rebuildRollupDay } from '../src/modules/dashboards/rollup.repository.ts'
const db = createDatabase({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/carehub_bench_national_365', poolSize: 1 })
const keys = (await sql<{ id: string }>`select distinct coalesce(council_id, ${noCouncil}::uuid)::text as id from locations`.execute(db)).rows.map((r) => r.id)
const day = '2026-12-07'
const snap = async (trx: any) => (await sql<{ s: string }>`select md5(string_agg(t::text, ',' order by t::text)) as s from (select day, council_id, area, service_type, in_area, contracted, contracted_any, expected, reported, on_time, ppe_red, outbreak, staff_absent, staff_employed, beds_available, vacant_beds, cases_week, deaths_week, figures_earlier, figures_oldest_days, figures_none from dashboard_council_daily where day = ${day}) t`.execute(trx)).rows[0]!.s
  + (await sql<{ s: string }>`select md5(string_agg(t::text, ',' order by t::text)) as s from (select day, council_key, service_type, contracted_any, expected, reported, on_time, ppe_red, outbreak, staff_absent, staff_employed, beds_available, vacant_beds, cases_week, deaths_week from dashboard_daily where day = ${day}) t`.execute(trx)).rows[0]!.s
for (const round of [1, 2]) {
  await db.transaction().execute(async (trx) => {
    let t = performance.now()
    for (const k of keys) await rebuildRollupDay(trx, day, [k])
    const each = performance.now() - t; const a = await snap(trx)
    t = performance.now()
    await rebuildRollupDay(trx, day, keys)
    const all = performance.now() - t; const b = await snap(trx)
    t = performance.now()
    await rebuildRollupDay(trx, day)
    const whole = performance.now() - t; const c = await snap(trx)
    console.log(`${keys.length} councils: one statement each ${each.toFixed(0)} ms; one for all ${all.toFixed(0)} ms; whole day ${whole.toFixed(0)} ms; same rows: ${a === b} ${b === c}`)
    throw new Error('rollback')
  }).catch((e) => { if (String(e) !== 'Error: rollback') throw e })
}
await db.destroy()
