import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Dashboards. A council's dashboard is computed from the returns of its few hundred locations through
// the indexes below. The whole market (a regional or national view, 27,000 locations) reads a daily
// rollup instead: one row per day, council, service type and "contracted by any council", holding the
// same figures the per-location query computes. A saved return marks the days it touches as stale;
// the rollup is rebuilt for stale days before it is read (and a whole day when it was never built).
export async function up(db: Kysely<any>): Promise<void> {
  // Alert history of a location, newest first, without scanning every alert.
  await sql`create index alerts_location_idx on alerts (location_id, raised_at desc)`.execute(db)
  // The latest status event on or before a day, per location: one index probe.
  await sql`create index location_status_events_latest_idx on location_status_events (location_id, effective_from desc, id desc)`.execute(
    db,
  )

  await db.schema
    .createTable('dashboard_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    // The location's council; the zero uuid for a location outside every council on the install.
    .addColumn('council_key', 'uuid', (c) => c.notNull())
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('contracted_any', 'boolean', (c) => c.notNull())
    .addColumn('expected', 'integer', (c) => c.notNull())
    .addColumn('reported', 'integer', (c) => c.notNull())
    .addColumn('on_time', 'integer', (c) => c.notNull())
    .addColumn('ppe_red', 'integer', (c) => c.notNull())
    .addColumn('outbreak', 'integer', (c) => c.notNull())
    .addColumn('closed_to_admissions', 'integer', (c) => c.notNull())
    .addColumn('staff_absent', 'bigint', (c) => c.notNull())
    .addColumn('staff_employed', 'bigint', (c) => c.notNull())
    .addColumn('beds_available', 'bigint', (c) => c.notNull())
    .addColumn('vacant_beds', 'bigint', (c) => c.notNull())
    .addColumn('cases_week', 'bigint', (c) => c.notNull())
    .addColumn('deaths_week', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_daily_pkey', ['day', 'council_key', 'service_type', 'contracted_any'])
    .execute()

  // Days whose rollup has been built, and (day, council) pairs made stale by a saved return since.
  await db.schema
    .createTable('dashboard_days_built')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('built_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('dashboard_stale')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('council_key', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_stale_pkey', ['day', 'council_key'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_stale').execute()
  await db.schema.dropTable('dashboard_days_built').execute()
  await db.schema.dropTable('dashboard_daily').execute()
  await sql`drop index location_status_events_latest_idx`.execute(db)
  await sql`drop index alerts_location_idx`.execute(db)
}
