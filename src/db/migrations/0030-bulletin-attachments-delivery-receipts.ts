import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Communications (issue 25), continued: files attached to a bulletin (kept with it, shown only to its
// audience), and what the mail service later says became of each e-mail (GOV.UK Notify's delivery
// receipts: delivered, or a permanent or temporary failure), to fix the contacts that bounce.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bulletin_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('bulletin_id', 'uuid', (c) => c.notNull().references('bulletins.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('added_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create index bulletin_attachments_bulletin_idx on bulletin_attachments (bulletin_id)`.execute(db)

  await db.schema
    .alterTable('outbox_messages')
    .addColumn('delivery_status', 'text')
    .addColumn('delivery_detail', 'text')
    .addColumn('delivery_updated_at', 'timestamptz')
    .addColumn('notify_id', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox_messages')
    .dropColumn('delivery_status')
    .dropColumn('delivery_detail')
    .dropColumn('delivery_updated_at')
    .dropColumn('notify_id')
    .execute()
  await db.schema.dropTable('bulletin_attachments').execute()
}
