import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// One contact log shared by every partner, provider enquiries with target times, and the FAQ built
// from answered enquiries.
export async function up(db: Kysely<any>): Promise<void> {
  // A call, e-mail, visit, video call or meeting with a location: planned ahead or recorded after.
  await db.schema
    .createTable('contact_log_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    // Who made the contact: their organisation and the officer.
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('officer_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    // Who they spoke to at the location (a name or a job title), if recorded.
    .addColumn('spoke_to', 'text')
    .addColumn('method', 'text', (c) =>
      c.notNull().check(sql`method in ('call', 'email', 'visit', 'video_call', 'meeting')`),
    )
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('outgoing', 'incoming')`))
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`category in ('ppe', 'staffing', 'infection_control', 'finance', 'safeguarding', 'guidance', 'other')`,
        ),
    )
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('planned', 'done', 'cancelled')`))
    // When it happened, or when it is planned for.
    .addColumn('contact_at', 'timestamptz', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('actions_agreed', 'text')
    .addColumn('follow_up_on', 'date')
    .addColumn('follow_up_done_at', 'timestamptz')
    // Restricted contacts are seen by council users only.
    .addColumn('restricted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('contact_log_location_idx')
    .on('contact_log_entries')
    .columns(['location_id', 'contact_at'])
    .execute()
  await sql`create index contact_log_follow_up_idx on contact_log_entries (follow_up_on) where follow_up_on is not null and follow_up_done_at is null`.execute(
    db,
  )

  await db.schema
    .createTable('contact_log_alerts')
    .addColumn('contact_id', 'uuid', (c) => c.notNull().references('contact_log_entries.id'))
    .addColumn('alert_id', 'uuid', (c) => c.notNull().references('alerts.id'))
    .addPrimaryKeyConstraint('contact_log_alerts_pkey', ['contact_id', 'alert_id'])
    .execute()

  await sql`create sequence enquiry_reference_seq start 1001`.execute(db)
  // A provider's question, asked on its home page or taken by an officer by phone or e-mail.
  await db.schema
    .createTable('enquiries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('reference', 'text', (c) =>
      c.notNull().unique().defaultTo(sql`'ENQ-' || nextval('enquiry_reference_seq')`),
    )
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('location_id', 'uuid', (c) => c.references('locations.id'))
    .addColumn('provider_id', 'uuid', (c) => c.references('providers.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('web', 'phone', 'email')`))
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`category in ('ppe', 'staffing', 'infection_control', 'finance', 'safeguarding', 'guidance', 'other')`,
        ),
    )
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('asked_by_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('asked_by_name', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('new', 'in_progress', 'answered', 'closed')`),
    )
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('response', 'text')
    .addColumn('responded_at', 'timestamptz')
    .addColumn('responded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('enquiries_council_status_idx')
    .on('enquiries')
    .columns(['council_id', 'status', 'due_at'])
    .execute()
  await db.schema.createIndex('enquiries_location_idx').on('enquiries').column('location_id').execute()

  // An enquiry's history: every status change, owner change and response, so nothing is lost.
  await db.schema
    .createTable('enquiry_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('enquiry_id', 'uuid', (c) => c.notNull().references('enquiries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb')
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('enquiry_events_enquiry_idx')
    .on('enquiry_events')
    .column('enquiry_id')
    .execute()

  // An answer worth sharing: edited and anonymised from an answered enquiry, searchable by providers.
  await db.schema
    .createTable('faq_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('source_enquiry_id', 'uuid', (c) => c.references('enquiries.id'))
    .addColumn('published', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('faq_entries_council_idx').on('faq_entries').column('council_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['faq_entries', 'enquiry_events', 'enquiries', 'contact_log_alerts', 'contact_log_entries'])
    await db.schema.dropTable(t).execute()
  await sql`drop sequence enquiry_reference_seq`.execute(db)
}
