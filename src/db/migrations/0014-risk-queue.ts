import type { Kysely } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Locations whose risk rules are to be run again because a return came in through the API. A morning
// brings thousands of API returns at once; each is saved with its audit record and a row here in one
// statement, and the risk-queue job works out the alerts for every queued location in one set-based
// pass every second (src/modules/early-warning/risk-queue.ts). A location may be queued more than once
// (no unique key, so a return never waits on the job's delete of an earlier row for its location).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('risk_queue')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('risk_queue').execute()
}
