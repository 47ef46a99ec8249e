import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The council's multi-agency action plan (areas, objectives, numbered actions, their updates and the
// measures they report), training offers with providers' uptake, e-learning licences and feedback, and
// publishing: versions of a public output checked by the providers it names, signed off and stored.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plan_areas')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    // The area's aim in one sentence ("We will ensure …").
    .addColumn('aim', 'text', (c) => c.notNull())
    // Its key objectives, one a line.
    .addColumn('objectives', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('plan_areas_council_number', ['council_id', 'number'])
    .execute()

  await db.schema
    .createTable('plan_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('area_id', 'uuid', (c) => c.notNull().references('plan_areas.id'))
    // 1.1, 1.2 …: the action's place in its area.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    // The organisation that leads it (its officers update it) and who leads, in the plan's words.
    .addColumn('lead_organisation_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('lead_name', 'text', (c) => c.notNull())
    .addColumn('partners', 'text')
    .addColumn('due_on', 'date')
    .addColumn('rag', 'text', (c) => c.notNull().check(sql`rag in ('red', 'amber', 'green', 'complete')`))
    // Names of measures (src/modules/action-plan/domain/measures.ts) it reports.
    .addColumn('measure_keys', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('plan_actions_area_position', ['area_id', 'position'])
    .execute()

  // Every update is kept: the latest is the action's current state.
  await db.schema
    .createTable('plan_action_updates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('plan_actions.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('done_this_period', 'text', (c) => c.notNull())
    .addColumn('still_to_do', 'text', (c) => c.notNull())
    .addColumn('rag', 'text', (c) => c.notNull().check(sql`rag in ('red', 'amber', 'green', 'complete')`))
    .addColumn('written_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('written_by_name', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('plan_action_updates_action_idx')
    .on('plan_action_updates')
    .columns(['action_id', 'written_at'])
    .execute()

  await db.schema
    .createTable('training_offers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('ipc_course', 'train_the_trainer', 'e_learning', 'webinar')`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    // Who delivers it (a CCG's IPC team, a learning platform).
    .addColumn('delivered_by', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date')
    .addColumn('capacity', 'integer')
    // What the council pays for it: commercially sensitive, never published.
    .addColumn('cost_pence', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  // A provider's uptake of an offer, one row a change: the latest before an instant is its status then.
  await db.schema
    .createTable('training_uptake')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('offer_id', 'uuid', (c) => c.notNull().references('training_offers.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('offered', 'accepted', 'declined', 'booked', 'delivered')`),
    )
    .addColumn('decline_reason', 'text')
    .addColumn('attendees', 'integer')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('training_uptake_offer_idx')
    .on('training_uptake')
    .columns(['offer_id', 'provider_id', 'recorded_at'])
    .execute()

  // The learning platform's CSV: per organisation, licences issued and courses taken, as of its date.
  await db.schema
    .createTable('training_licence_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('offer_id', 'uuid', (c) => c.notNull().references('training_offers.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('training_licences')
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('training_licence_imports.id'))
    .addColumn('organisation_name', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'uuid', (c) => c.references('providers.id'))
    .addColumn('licences', 'integer', (c) => c.notNull())
    .addColumn('courses_taken', 'integer', (c) => c.notNull())
    .execute()

  // A feedback form after a session: the trainer's knowledge (poor … excellent), whether the trainer
  // was responsive to the service's needs, and whether the attendee's knowledge increased.
  await db.schema
    .createTable('training_feedback')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('offer_id', 'uuid', (c) => c.notNull().references('training_offers.id'))
    .addColumn('provider_id', 'uuid', (c) => c.references('providers.id'))
    .addColumn('trainer_knowledge', 'text', (c) =>
      c.notNull().check(sql`trainer_knowledge in ('poor', 'fair', 'good', 'excellent')`),
    )
    .addColumn('responsive', 'boolean', (c) => c.notNull())
    .addColumn('knowledge_increased', 'boolean', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()

  // A public output (the progress report, a provider-support return, …) of one kind, and its versions.
  await db.schema
    .createTable('publications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('publication_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('publication_id', 'uuid', (c) => c.notNull().references('publications.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'checking', 'published', 'withdrawn')`),
    )
    // A correction says what changed.
    .addColumn('change_note', 'text')
    .addColumn('check_days', 'integer', (c) => c.notNull())
    .addColumn('check_started_at', 'timestamptz')
    // The last day providers may challenge (London date).
    .addColumn('check_closes_on', 'date')
    .addColumn('signed_off_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('signed_off_name', 'text')
    .addColumn('published_at', 'timestamptz')
    // What was published, as published: its content and the three files, byte for byte.
    .addColumn('content', 'jsonb')
    .addColumn('html', 'bytea')
    .addColumn('docx', 'bytea')
    .addColumn('csv', 'bytea')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('publication_versions_number', ['publication_id', 'version'])
    .execute()
  // A published version never changes.
  await sql`
    create function publication_version_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'a published version never changes (publication %, version %)', old.publication_id, old.version;
      end if;
      return new;
    end $$`.execute(db)
  await sql`create trigger publication_version_frozen before update or delete on publication_versions
    for each row execute function publication_version_frozen()`.execute(db)

  await db.schema
    .createTable('publication_challenges')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('publication_versions.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('figure', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('resolved_at', 'timestamptz')
    .execute()
  await db.schema
    .createTable('publication_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('publication_versions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'publication_events',
    'publication_challenges',
    'publication_versions',
    'publications',
    'training_feedback',
    'training_licences',
    'training_licence_imports',
    'training_uptake',
    'training_offers',
    'plan_action_updates',
    'plan_actions',
    'plan_areas',
  ])
    await db.schema.dropTable(table).execute()
  await sql`drop function if exists publication_version_frozen()`.execute(db)
}
