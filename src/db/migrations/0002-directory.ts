import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // Each location's dated status: registered/open, dormant, closed. Nothing is deleted, so "who should
  // have reported on 14 April" has one answer.
  await db.schema
    .createTable('location_status_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'dormant', 'closed')`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('import_id', 'uuid')
    .addColumn('recorded_by', 'uuid')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('location_status_events_location_idx')
    .on('location_status_events')
    .columns(['location_id', 'effective_from'])
    .execute()

  await db.schema
    .createTable('location_contacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('location_contacts_location_idx')
    .on('location_contacts')
    .column('location_id')
    .execute()

  await db.schema
    .createTable('cqc_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('file_content', 'bytea', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('area_name', 'text')
    .addColumn('close_missing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('problems_csv', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_by', 'uuid')
    .addColumn('organisation_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('saved_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('cqc_imports_org_idx')
    .on('cqc_imports')
    .columns(['organisation_id', 'created_at'])
    .execute()

  // A provider's approver invites colleagues from the provider's own page.
  await db.schema
    .alterTable('users')
    .addColumn('is_approver', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await db.schema.alterTable('locations').addColumn('last_import_id', 'uuid').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('locations').dropColumn('last_import_id').execute()
  await db.schema.alterTable('users').dropColumn('is_approver').execute()
  await db.schema.dropTable('cqc_imports').execute()
  await db.schema.dropTable('location_contacts').execute()
  await db.schema.dropTable('location_status_events').execute()
}
