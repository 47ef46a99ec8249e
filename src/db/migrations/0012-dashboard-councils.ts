import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The dashboard rollup as each council sees it: one row per day, council, area, service type, and
// whether the locations are in the council's area and contracted by it. A location is counted under its
// own council (in area) and under every other council that contracts with it (out of area), so a
// council's dashboard, with any of its filters, is a sum over a few dozen rows. Maintained with
// dashboard_daily (migration 0009) by the same statement.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboard_council_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    // The council whose view this is (the zero uuid for locations outside every council).
    .addColumn('council_id', 'uuid', (c) => c.notNull())
    // '' when the location has no area.
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('in_area', 'boolean', (c) => c.notNull())
    .addColumn('contracted', 'boolean', (c) => c.notNull())
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
    .addPrimaryKeyConstraint('dashboard_council_daily_pkey', [
      'council_id',
      'day',
      'area',
      'service_type',
      'in_area',
      'contracted',
      'contracted_any',
    ])
    .execute()
  // Days built before this table existed are built again, so both tables hold them.
  await sql`delete from dashboard_days_built`.execute(db)
  await sql`delete from dashboard_stale`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_council_daily').execute()
}
