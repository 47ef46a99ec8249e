import type { Kysely } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Which red alerts have been e-mailed to their owning team. The notification job claims an alert by
// inserting its row (the primary key stops a second instance claiming it too), then sends one digest
// per recipient for everything it claimed in that run.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_notifications')
    .addColumn('alert_id', 'uuid', (c) => c.primaryKey().references('alerts.id'))
    .addColumn('notified_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_notifications').execute()
}
