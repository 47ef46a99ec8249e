import type { Queryable } from './national-sinks.ts'

// Secondary indexes: dropped before the returns are loaded and built once afterwards, which is
// several times faster than keeping them up to date row by row (measured: docs/performance.md).

export type SavedIndexes = {
  constraints: { table: string; name: string; def: string; type: string }[]
  indexes: string[]
}

export async function dropReturnIndexes(q: Queryable): Promise<SavedIndexes> {
  // Keys, unique constraints and foreign keys of the returns table, and other tables' foreign keys to it
  // (alerts name the return that raised them): all dropped, then added again after the load.
  const { rows: constraints } = await q.query(`
    select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def,
      case when conrelid = 'situation_returns'::regclass then contype::text else 'r' end as type
    from pg_constraint
    where (conrelid = 'situation_returns'::regclass and contype in ('p', 'u', 'f'))
       or (confrelid = 'situation_returns'::regclass and contype = 'f')`)
  const { rows: indexes } = await q.query(`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = current_schema() and tablename = 'situation_returns'
      and indexname not in (select conname from pg_constraint where conrelid = 'situation_returns'::regclass)`)
  const saved: SavedIndexes = {
    constraints: constraints.map((c) => ({
      table: String(c.table),
      name: String(c.name),
      def: String(c.def),
      type: String(c.type),
    })),
    indexes: indexes.map((i) => String(i.def)),
  }
  // Foreign keys first (theirs, then ours), then the keys they lean on.
  for (const type of ['r', 'f', 'u', 'p'])
    for (const c of saved.constraints.filter((c) => c.type === type))
      await q.query(`alter table ${c.table} drop constraint ${c.name}`)
  for (const i of indexes) await q.query(`drop index ${String(i.name)}`)
  return saved
}

export async function recreateReturnIndexes(q: Queryable, saved: SavedIndexes) {
  const add = async (type: string) => {
    for (const c of saved.constraints.filter((c) => c.type === type))
      await q.query(`alter table ${c.table} add constraint ${c.name} ${c.def}`)
  }
  await add('p')
  await add('u')
  for (const def of saved.indexes) await q.query(def)
  await add('f')
  await add('r')
}
