import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ons_code', 'text')
    .addColumn('ods_code', 'text')
    .addColumn('provider_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index organisations_ons_code_key on organisations (ons_code) where ons_code is not null`.execute(
    db,
  )
  await sql`create unique index organisations_name_key on organisations (lower(name))`.execute(db)

  // A partner organisation (an NHS body, an IPC team) serves one or more councils.
  await db.schema
    .createTable('partner_councils')
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addPrimaryKeyConstraint('partner_councils_pkey', ['partner_id', 'council_id'])
    .execute()

  await db.schema
    .createTable('providers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('cqc_provider_id', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('companies_house_number', 'text')
    .addColumn('ownership', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`alter table organisations add constraint organisations_provider_fk foreign key (provider_id) references providers(id)`.execute(
    db,
  )
  await sql`create unique index organisations_provider_key on organisations (provider_id) where provider_id is not null`.execute(
    db,
  )

  await db.schema
    .createTable('locations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('cqc_location_id', 'text', (c) => c.unique())
    .addColumn('ods_code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address_line1', 'text')
    .addColumn('address_line2', 'text')
    .addColumn('town', 'text')
    .addColumn('postcode', 'text')
    // The council whose area the location is in, when that council uses this install.
    .addColumn('council_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('local_authority_name', 'text')
    .addColumn('area', 'text')
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('registered_beds', 'integer', (c) => c.check(sql`registered_beds >= 0`))
    .addColumn('people_supported', 'integer', (c) => c.check(sql`people_supported >= 0`))
    .addColumn('cqc_rating', 'text')
    .addColumn('cqc_rating_date', 'date')
    .addColumn('registration_start', 'date')
    .addColumn('registration_end', 'date')
    .addColumn('dormant', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('bcp_reviewed_on', 'date')
    .addColumn('nhsmail', 'boolean')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('locations_provider_idx').on('locations').column('provider_id').execute()
  await db.schema
    .createIndex('locations_council_idx')
    .on('locations')
    .columns(['council_id', 'service_type'])
    .execute()
  await sql`create index locations_name_idx on locations (lower(name))`.execute(db)

  // Which councils contract with a location (a council may contract with homes outside its area).
  await db.schema
    .createTable('council_contracts')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('council_contracts_pkey', ['council_id', 'location_id'])
    .execute()
  await db.schema
    .createIndex('council_contracts_location_idx')
    .on('council_contracts')
    .column('location_id')
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email)`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('password_hash', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('invited'))
    .addColumn('failed_sign_in_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_signed_in_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index users_email_key on users (email)`.execute(db)
  await db.schema.createIndex('users_organisation_idx').on('users').column('organisation_id').execute()

  // Only a hash of the session token is stored, so a stolen database cannot be used to sign in.
  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  await db.schema
    .createTable('one_time_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'uuid')
    // The organisation the event belongs to: the actor's, or the target user's for anonymous events.
    .addColumn('organisation_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute()
  await db.schema
    .createIndex('audit_events_org_idx')
    .on('audit_events')
    .columns(['organisation_id', 'occurred_at'])
    .execute()
  await db.schema
    .createIndex('audit_events_entity_idx')
    .on('audit_events')
    .columns(['entity_type', 'entity_id'])
    .execute()
  // Append-only: the database itself refuses to change or delete an audit record.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end $$`.execute(db)
  await sql`
    create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db)

  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .execute()
  await sql`create index outbox_due_idx on outbox_messages (next_attempt_at) where status = 'pending'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbox_messages',
    'audit_events',
    'one_time_tokens',
    'sessions',
    'users',
    'council_contracts',
    'locations',
    'organisations',
    'providers',
    'partner_councils',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db)
  }
  await sql`drop function if exists audit_events_append_only`.execute(db)
}
