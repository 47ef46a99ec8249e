import type { Kysely } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 26, retention: a staffing pool person whose details were removed after the retention period but
// whose deployments are kept (their costs count against a budget) is marked, and left out of the pool.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('staffing_pool_people')
    .addColumn('personal_data_removed_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staffing_pool_people').dropColumn('personal_data_removed_at').execute()
}
