import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 18, item 4: a contact logged from a case's page belongs to that case whatever its date (a call
// dated before the case opened went missing from it). Contacts logged elsewhere keep no case: the case
// page shows them by their date, as before. The index serves the case page's read.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('contact_log_entries')
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id'))
    .execute()
  await sql`create index contact_log_entries_case_idx on contact_log_entries (case_id) where case_id is not null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contact_log_entries_case_idx').execute()
  await db.schema.alterTable('contact_log_entries').dropColumn('case_id').execute()
}
