import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The returns export says which returns are nil returns, and why ("Nil return", "Nil return reason",
// after "Nothing changed"), so that finance and council officers do not read one as a missing return.
// That is a new layout of a return's kept cells (`export_cells`, migration 0047), and the export works
// out afresh, per row and in SQL, every row not of today's layout: a year's download of rows saved
// before would lose what the kept cells bought. So the rows of the layout before are moved here, once,
// in one pass over the table:
// - a return that is not a nil return gets its two cells, both empty, after its sixth ("Nothing
//   changed"). Its first six cells (period, version, sent at, on time or late, sent by, nothing
//   changed) never hold a comma or a quote, so the sixth comma is where they go;
// - a nil return (few) loses its cells: the dashboards' `export-cells` job writes them again with the
//   reason's words, and until then the export works them out afresh.
// Rows of any other layout were already worked out afresh, and still are.
export const layoutBefore = 'd0914f14a0179c89'
export const layoutAfter = 'ac8fcda090d5d71c'

// The risk figures' trigger (migration 0013) would delete and write again every row's figures, which
// the cells are no part of: it is off while the rows move, in the migration's transaction (measured on
// PostgreSQL, it was more than half the time).
async function moveRows(db: Kysely<any>, from: string, to: string, cells: string) {
  await sql`alter table situation_returns disable trigger situation_returns_risk_figures`.execute(db)
  await sql`update situation_returns
    set export_cells = case when nil_return then null else ${sql.raw(cells)} end,
      export_layout = case when nil_return then null else ${to} end
    where export_layout = ${from}`.execute(db)
  await sql`alter table situation_returns enable trigger situation_returns_risk_figures`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  await moveRows(db, layoutBefore, layoutAfter, `regexp_replace(export_cells, '^((?:[^,]*,){6})', '\\1,,')`)
}

export async function down(db: Kysely<any>): Promise<void> {
  await moveRows(db, layoutAfter, layoutBefore, `regexp_replace(export_cells, '^((?:[^,]*,){6}),,', '\\1')`)
}
