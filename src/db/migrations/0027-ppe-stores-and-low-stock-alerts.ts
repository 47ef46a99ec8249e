import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// PPE supply (issue 20): a store has a kind (central store, hospital hub, local distribution point) and
// an address; a low-stock threshold remembers when its alert was e-mailed to the PPE team, so the alert
// goes once while the stock stays low and re-arms when the stock is back at or above the threshold.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ppe_stores')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('central_store')
        .check(sql`kind in ('central_store', 'hospital_hub', 'local_hub')`),
    )
    .addColumn('address', 'text')
    .execute()
  await db.schema.alterTable('ppe_stock_thresholds').addColumn('alerted_at', 'timestamptz').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ppe_stock_thresholds').dropColumn('alerted_at').execute()
  await db.schema.alterTable('ppe_stores').dropColumn('address').dropColumn('kind').execute()
}
