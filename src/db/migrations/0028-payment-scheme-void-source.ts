import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// A void-bed payment scheme says where its void beds come from (issue 22): the returns' occupancy (the
// beds a care home reports vacant, week by week) or the list a finance officer uploads. Schemes made
// before this read the list, as they did.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('payment_schemes')
    .addColumn('void_beds_from', 'text', (c) =>
      c.notNull().defaultTo('list').check(sql`void_beds_from in ('list', 'returns')`),
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_schemes').dropColumn('void_beds_from').execute()
}
