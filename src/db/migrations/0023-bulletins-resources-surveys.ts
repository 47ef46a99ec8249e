import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Communications (issue 25): bulletins and who received and read them, the resource pack, events,
// surveys, letters to people who receive care and officers' digests. An outbox message may carry a
// key naming what it is (a bulletin to one user): queued once whatever retries or restarts happen.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_messages').addColumn('dedupe_key', 'text').execute()
  await sql`create unique index outbox_dedupe_key_idx on outbox_messages (dedupe_key)`.execute(db)

  await db.schema
    .createTable('bulletin_lists')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider_ids', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('bulletins')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('resource_item_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('recipient_count', 'integer')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create index bulletins_council_idx on bulletins (council_id, created_at)`.execute(db)
  await sql`create index bulletins_due_idx on bulletins (send_at) where status = 'scheduled'`.execute(db)

  await db.schema
    .createTable('bulletin_recipients')
    .addColumn('bulletin_id', 'uuid', (c) => c.notNull().references('bulletins.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('read_token', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resent_at', 'timestamptz')
    .addColumn('read_at', 'timestamptz')
    .addColumn('read_by', 'text')
    .addPrimaryKeyConstraint('bulletin_recipients_pk', ['bulletin_id', 'user_id'])
    .execute()
  await sql`create index bulletin_recipients_user_idx on bulletin_recipients (user_id)`.execute(db)
  await sql`create unique index bulletin_recipients_token_idx on bulletin_recipients (read_token)`.execute(db)

  await db.schema
    .createTable('resource_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('review_flagged_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('resource_versions')
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('resource_items.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('review_on', 'date', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_versions_pk', ['item_id', 'version'])
    .execute()

  await db.schema
    .createTable('care_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('care_event_signups')
    .addColumn('event_id', 'uuid', (c) => c.notNull().references('care_events.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('signed_up_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attended', 'boolean')
    .addPrimaryKeyConstraint('care_event_signups_pk', ['event_id', 'user_id'])
    .execute()
  await db.schema
    .createTable('care_event_questions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('event_id', 'uuid', (c) => c.notNull().references('care_events.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('faq_entry_id', 'uuid', (c) => c.references('faq_entries.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('surveys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('questions', 'jsonb', (c) => c.notNull())
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('opens_on', 'date', (c) => c.notNull())
    .addColumn('closes_on', 'date', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('survey_responses')
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_responses_pk', ['survey_id', 'provider_id'])
    .execute()

  await db.schema
    .createTable('letter_templates')
    .addColumn('council_id', 'uuid', (c) => c.primaryKey().references('organisations.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('out_of_hours_phone', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('letter_issues')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('letter', 'text', (c) => c.notNull())
    .addColumn('issued_to', 'uuid', (c) => c.references('users.id'))
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('digest_preferences')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('last_digest_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'digest_preferences',
    'letter_issues',
    'letter_templates',
    'survey_responses',
    'surveys',
    'care_event_questions',
    'care_event_signups',
    'care_events',
    'resource_versions',
    'resource_items',
    'bulletin_recipients',
    'bulletins',
    'bulletin_lists',
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db)
  await sql`drop index if exists outbox_dedupe_key_idx`.execute(db)
  await db.schema.alterTable('outbox_messages').dropColumn('dedupe_key').execute()
}
