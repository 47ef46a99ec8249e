import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // Which return each kind of service makes, how often, and its window (hours from the period start).
  await db.schema
    .createTable('return_templates')
    .addColumn('service_type', 'text', (c) => c.primaryKey())
    .addColumn('frequency', 'text', (c) =>
      c.notNull().check(sql`frequency in ('daily', 'weekly', 'monthly')`),
    )
    .addColumn('opens_after_hours', 'integer', (c) => c.notNull())
    .addColumn('due_after_hours', 'integer', (c) => c.notNull())
    .addColumn('locks_after_hours', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`
    insert into return_templates (service_type, frequency, opens_after_hours, due_after_hours, locks_after_hours) values
      ('care_home_nursing', 'daily', 0, 11, 168),
      ('care_home_residential', 'daily', 0, 11, 168),
      ('supported_living', 'daily', 0, 11, 168),
      ('extra_care', 'daily', 0, 11, 168),
      ('home_care', 'weekly', 72, 108, 336),
      ('other', 'weekly', 72, 108, 336)`.execute(db)

  // A later deadline for one location (an agreed exception).
  await db.schema
    .createTable('return_exceptions')
    .addColumn('location_id', 'uuid', (c) => c.primaryKey().references('locations.id'))
    .addColumn('extra_hours', 'integer', (c) => c.notNull().check(sql`extra_hours between 0 and 720`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  // Every version of every return. Nothing is overwritten: an amendment is a new version with a reason,
  // and only the newest version of a location's period is current.
  await db.schema
    .createTable('situation_returns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('is_current', 'boolean', (c) => c.notNull())
    .addColumn('dataset_version', 'integer', (c) => c.notNull())
    .addColumn('values', 'jsonb', (c) => c.notNull())
    .addColumn('nil_return', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('nothing_changed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('web', 'officer', 'upload', 'api', 'import')`),
    )
    .addColumn('timing', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'uuid')
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('amendment_reason', 'text')
    .addUniqueConstraint('situation_returns_version_key', ['location_id', 'period_start', 'version'])
    .execute()
  await sql`create unique index situation_returns_current_key on situation_returns (location_id, period_start) where is_current`.execute(
    db,
  )
  await sql`create index situation_returns_period_idx on situation_returns (period_start, location_id) where is_current`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('situation_returns').execute()
  await db.schema.dropTable('return_exceptions').execute()
  await db.schema.dropTable('return_templates').execute()
}
