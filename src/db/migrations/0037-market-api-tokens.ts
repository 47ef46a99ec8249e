import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// API tokens for councils and their partners (issue 19, the read API): such a token belongs to an
// organisation and carries its creator's role, where a care-record system's belongs to a provider.
// Exactly one of the two holders is set.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .alterColumn('provider_id', (c) => c.dropNotNull())
    .execute()
  await db.schema
    .alterTable('api_tokens')
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('role', 'text')
    .execute()
  await sql`alter table api_tokens add constraint api_tokens_holder_check check (
    (provider_id is not null and organisation_id is null and role is null)
    or (provider_id is null and organisation_id is not null and role is not null))`.execute(db)
  await sql`create index api_tokens_organisation_idx on api_tokens (organisation_id) where organisation_id is not null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('api_tokens_organisation_idx').execute()
  await sql`alter table api_tokens drop constraint api_tokens_holder_check`.execute(db)
  // An organisation's tokens cannot be kept without their holder's column.
  await sql`delete from idempotency_keys where token_id in (select id from api_tokens where provider_id is null)`.execute(
    db,
  )
  await sql`delete from api_tokens where provider_id is null`.execute(db)
  await db.schema.alterTable('api_tokens').dropColumn('role').dropColumn('organisation_id').execute()
  await db.schema
    .alterTable('api_tokens')
    .alterColumn('provider_id', (c) => c.setNotNull())
    .execute()
}
