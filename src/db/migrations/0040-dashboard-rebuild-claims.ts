import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Jobs never block submissions (issue 27). The rollup job used to delete a day's stale marks and rebuild
// in one transaction, holding the marks' rows for the whole rebuild (1.4–2.2 s nationally), so every
// return marking the same day and council waited on it. Now it claims them first, in a short transaction
// of its own: they move from `dashboard_stale` to `dashboard_rebuilding`, which only the rebuild reads and
// deletes (in the transaction that rebuilds them, so a failed or interrupted rebuild leaves them there
// for the next run). A return saved during a rebuild marks `dashboard_stale` again, and nothing holds it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboard_rebuilding')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('council_key', 'uuid', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('dashboard_rebuilding_pkey', ['day', 'council_key'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  // Claimed marks not yet rebuilt are still stale.
  await sql`insert into dashboard_stale (day, council_key) select day, council_key from dashboard_rebuilding
    on conflict do nothing`.execute(db)
  await db.schema.dropTable('dashboard_rebuilding').execute()
}
