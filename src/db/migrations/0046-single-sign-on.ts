import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 26, council single sign-on (OpenID Connect): each council's or partner's identity provider, the
// provider accounts linked to CareHub users, the sign-ins under way and which sessions came from one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('single_sign_on_settings')
    .addColumn('organisation_id', 'uuid', (c) => c.primaryKey().references('organisations.id'))
    .addColumn('issuer_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    // Sealed with the service's secret (src/domain/secret-box.ts): never stored or shown in the clear.
    .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('groups_claim', 'text', (c) => c.notNull().defaultTo('groups'))
    // { "<group value>": "<CareHub role>" }
    .addColumn('group_roles', 'jsonb', (c) => c.notNull())
    .addColumn('password_sign_in_off', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // Set from SSO_* environment variables: the admin page shows them and does not change them.
    .addColumn('from_environment', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // The same provider account (issuer and subject) is always the same CareHub user.
  await db.schema
    .createTable('single_sign_on_identities')
    .addColumn('issuer_url', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('single_sign_on_identities_pk', ['issuer_url', 'subject'])
    .execute()
  // A sign-in sent to the provider and not yet back: used once, within minutes.
  await db.schema
    .createTable('single_sign_on_pending')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // Sessions started by single sign-on: signing out of one offers the provider's sign-out too.
  await db.schema
    .createTable('single_sign_on_sessions')
    .addColumn('session_token_hash', 'text', (c) =>
      c.primaryKey().references('sessions.token_hash').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('single_sign_on_sessions').execute()
  await db.schema.dropTable('single_sign_on_pending').execute()
  await db.schema.dropTable('single_sign_on_identities').execute()
  await db.schema.dropTable('single_sign_on_settings').execute()
}
