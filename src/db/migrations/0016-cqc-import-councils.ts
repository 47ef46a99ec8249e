import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// A CQC import belongs to a council's market (issue 15): the council it was made for, kept with it so
// the save, which plans again, holds to the same market. A save in progress says it is alive with a
// heartbeat, so that one whose process died is shown as failed instead of "Saving" for ever. Audit
// records carry the council whose data changed beside the actor's organisation, so that a change one
// council's import (or the command line) makes to a location is in that location's council's trail.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cqc_imports')
    .addColumn('council_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('heartbeat_at', 'timestamptz')
    .execute()
  await db.schema.alterTable('audit_events').addColumn('council_id', 'uuid').execute()
  await sql`create index audit_events_council_idx on audit_events (council_id, occurred_at)
    where council_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists audit_events_council_idx`.execute(db)
  await db.schema.alterTable('audit_events').dropColumn('council_id').execute()
  await db.schema.alterTable('cqc_imports').dropColumn('heartbeat_at').dropColumn('council_id').execute()
}
