import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

// return_risk_figures is kept by a row trigger on situation_returns (migration 0013): right for every
// writer, but for a bulk load of tens of thousands of returns the trigger's statement a row costs three
// times the load itself (the demo county's 47,000 returns: about 3 s of a first start). So a bulk load
// can switch it off for its own transaction and fill the figures after in one statement, built from the
// trigger's own SQL as the database holds it (a later migration that changes the trigger changes this
// too). When that SQL is not in the expected shape, the trigger stays on: slower, never wrong.
export async function withRiskFiguresFilledAfter<T>(
  trx: DbOrTransaction,
  load: () => Promise<T>,
): Promise<T> {
  const fill = await setBasedFill(trx)
  if (!fill) return load()
  await sql`alter table situation_returns disable trigger situation_returns_risk_figures`.execute(trx)
  const result = await load()
  await sql`alter table situation_returns enable trigger situation_returns_risk_figures`.execute(trx)
  await sql.raw(fill).execute(trx)
  return result
}

// The trigger's insert (`insert into return_risk_figures (…) values (…new.x…) on conflict …`) as one
// statement over every current return, or null when the function is not in that shape.
export async function setBasedFill(db: DbOrTransaction): Promise<string | null> {
  const row = (
    await sql<{ source: string }>`
      select p.prosrc as source from pg_proc p
        join pg_trigger t on t.tgfoid = p.oid
       where t.tgname = 'situation_returns_risk_figures' and t.tgrelid = 'situation_returns'::regclass`.execute(
      db,
    )
  ).rows[0]
  const insert =
    row &&
    /insert into return_risk_figures \(([\w\s,]+)\)\s*values \(([\s\S]+)\)\s*on conflict \(location_id, period_start\) do update/.exec(
      row.source,
    )
  if (
    !insert ||
    !/\bif \(tg_op = 'INSERT' or tg_op = 'UPDATE'\) and new\.is_current then\b/.test(row!.source)
  )
    return null
  const [, columns, values] = insert
  return `insert into return_risk_figures (${columns!.trim()})
    select ${values!.replace(/\bnew\./g, 'r.')} from situation_returns r where r.is_current
    on conflict (location_id, period_start) do nothing`
}
