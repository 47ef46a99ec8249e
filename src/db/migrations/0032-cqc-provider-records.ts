import type { Kysely } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The CQC's provider records (issue 17, item 10) carry each provider's registered address and brand,
// which a provider had nowhere to keep: its name, Companies House number and ownership it had already.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('providers')
    .addColumn('address_line1', 'text')
    .addColumn('address_line2', 'text')
    .addColumn('town', 'text')
    .addColumn('postcode', 'text')
    .addColumn('brand_id', 'text')
    .addColumn('brand_name', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('providers')
    .dropColumn('address_line1')
    .dropColumn('address_line2')
    .dropColumn('town')
    .dropColumn('postcode')
    .dropColumn('brand_id')
    .dropColumn('brand_name')
    .execute()
}
