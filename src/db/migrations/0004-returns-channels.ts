import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // API tokens for care-record systems: only a hash is kept; scoped to the provider that made them.
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_hint', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid')
    .execute()
  await db.schema.createIndex('api_tokens_provider_idx').on('api_tokens').column('provider_id').execute()

  // A retried API request with the same Idempotency-Key gets the first answer again.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('token_id', 'uuid', (c) => c.notNull().references('api_tokens.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['token_id', 'key'])
    .execute()

  // One reminder per location per period, however many app instances run the job.
  await db.schema
    .createTable('return_reminders')
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('return_reminders_pkey', ['location_id', 'period_start'])
    .execute()

  // Officers record that they chased a missing return.
  await db.schema
    .createTable('return_chases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('return_chases_period_idx')
    .on('return_chases')
    .columns(['period_start', 'location_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['return_chases', 'return_reminders', 'idempotency_keys', 'api_tokens']) {
    await db.schema.dropTable(table).execute()
  }
}
