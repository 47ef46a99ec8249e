import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 27, the returns export at the database's speed: a return version never changes once saved, so
// its own cells of the returns CSV (period to the derived measures, quoted and made formula-safe) are
// written with it by the app (src/modules/returns/export-cells.ts), and the export reads them as they
// are. `export_layout` says which cells they are: the export works out afresh a row of another layout,
// or none. Returns saved before this get theirs from the dashboards' `export-cells` job.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('situation_returns')
    .addColumn('export_cells', 'text')
    .addColumn('export_layout', 'text')
    .execute()
  // The returns still without cells, for the job to find (empty once it has caught up).
  await sql`create index situation_returns_export_cells_missing_idx on situation_returns (period_start)
    where export_cells is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index situation_returns_export_cells_missing_idx`.execute(db)
  await db.schema
    .alterTable('situation_returns')
    .dropColumn('export_cells')
    .dropColumn('export_layout')
    .execute()
}
