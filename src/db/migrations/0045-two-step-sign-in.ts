import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 26, two-step sign-in (TOTP): a user's authenticator key, sealed with the service's secret
// (src/domain/secret-box.ts), when they finished setting it up (a key with no date is one being set up),
// and the last time step a code was accepted at (a code works once). Recovery codes are stored hashed.
// A session records how far its sign-in has got: only 'signed_in' sessions let anyone in.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('two_step_key', 'text')
    .addColumn('two_step_set_up_at', 'timestamptz')
    .addColumn('two_step_last_step', 'integer')
    .execute()
  await db.schema
    .createTable('two_step_recovery_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('two_step_recovery_codes_user_idx')
    .on('two_step_recovery_codes')
    .column('user_id')
    .execute()
  await db.schema
    .alterTable('sessions')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('signed_in'))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('stage').execute()
  await db.schema.dropTable('two_step_recovery_codes').execute()
  await db.schema
    .alterTable('users')
    .dropColumn('two_step_key')
    .dropColumn('two_step_set_up_at')
    .dropColumn('two_step_last_step')
    .execute()
}
