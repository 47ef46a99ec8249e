import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The dashboard's state figures take each location's latest return in a window (issue 17, item 7), and
// the page says how old they are: the rollups keep, per group, how many locations' figures are from an
// earlier period than the day's, the oldest of those (days), and how many have none in the window. Days
// already built were counted the old way, so every day is built again on its next read.
const tables = ['dashboard_daily', 'dashboard_council_daily']

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    await db.schema
      .alterTable(table)
      .addColumn('figures_earlier', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    await db.schema
      .alterTable(table)
      .addColumn('figures_oldest_days', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    await db.schema
      .alterTable(table)
      .addColumn('figures_none', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  }
  await sql`delete from dashboard_days_built`.execute(db)
  await sql`delete from dashboard_stale`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    for (const column of ['figures_none', 'figures_oldest_days', 'figures_earlier'])
      await db.schema.alterTable(table).dropColumn(column).execute()
  }
  await sql`delete from dashboard_days_built`.execute(db)
  await sql`delete from dashboard_stale`.execute(db)
}
