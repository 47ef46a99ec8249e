import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Capacity tracker extracts uploaded from the browser (issue 19): each file is kept from its preview to
// its confirmation, with its SHA-256, what it would change and what it changed, and who did each.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('capacity_tracker_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('file_content', 'bytea', (c) => c.notNull())
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('rows', 'jsonb', (c) => c.notNull())
    .addColumn('previewed_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('previewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('saved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('saved_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('capacity_tracker_imports_council_idx')
    .on('capacity_tracker_imports')
    .columns(['council_id', 'previewed_at'])
    .execute()
  await db.schema
    .createIndex('capacity_tracker_imports_hash_idx')
    .on('capacity_tracker_imports')
    .columns(['council_id', 'file_hash'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('capacity_tracker_imports').execute()
}
