import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Early warning: risk rules (versioned data), alerts from every source, one open case per location,
// the RAG status per location kept in its own small table so every list and dashboard reads it cheaply.
export async function up(db: Kysely<any>): Promise<void> {
  // Every version of every rule; only one version of a rule is current. The condition is an expression
  // over the latest return's derived measures, validated by the domain before it is stored.
  await db.schema
    .createTable('risk_rule_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('rule_key', 'text', (c) => c.notNull().check(sql`rule_key ~ '^[a-z][a-z0-9-]*$'`))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('is_current', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('red', 'amber')`))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('change_note', 'text')
    .addColumn('changed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('risk_rule_versions_key', ['rule_key', 'version'])
    .execute()
  await sql`create unique index risk_rule_versions_current_key on risk_rule_versions (rule_key) where is_current`.execute(
    db,
  )

  // A location's case: the one place its alerts from every source are owned and worked.
  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'owned', 'action_taken', 'resolved')`),
    )
    .addColumn('owning_organisation_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('resolution_note', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index cases_one_open_per_location on cases (location_id) where status <> 'resolved'`.execute(
    db,
  )
  await sql`create index cases_open_by_owner on cases (owning_organisation_id, status) where status <> 'resolved'`.execute(
    db,
  )

  // What happened to a case: opened, ownership taken or passed on, status changes, notes, resolved.
  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('details', 'jsonb')
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'id']).execute()

  // Actions agreed on a case, each with a due date.
  await db.schema
    .createTable('case_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date')
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'done')`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('completed_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('case_actions_case_idx').on('case_actions').column('case_id').execute()

  // An alert: one reason for concern. `alert_key` is the rule key for rule alerts, 'capacity-tracker'
  // for the tracker's red flag, and a fresh key for each piece of intelligence, so at most one alert per
  // location and rule is open at a time.
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('rule', 'capacity_tracker', 'intelligence')`),
    )
    .addColumn('alert_key', 'text', (c) => c.notNull())
    .addColumn('rule_version_id', 'uuid', (c) => c.references('risk_rule_versions.id'))
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('red', 'amber')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    // The figures that triggered it, e.g. {"lowestPpeDays": 1, "lowestPpeItem": "gloves"}.
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'resolved')`))
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('raised_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('raised_by_return_id', 'uuid', (c) => c.references('situation_returns.id'))
    .addColumn('evidence_updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('resolved_by_return_id', 'uuid', (c) => c.references('situation_returns.id'))
    .addColumn('resolution_note', 'text')
    .execute()
  await sql`create unique index alerts_one_open_per_key on alerts (location_id, alert_key) where status = 'open'`.execute(
    db,
  )
  await db.schema.createIndex('alerts_case_idx').on('alerts').column('case_id').execute()
  await sql`create index alerts_open_idx on alerts (severity, raised_at) where status = 'open'`.execute(db)

  // An alert's history: raised, evidence updated by a later return, resolved (by hand or by a return).
  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'uuid', (c) => c.notNull().references('alerts.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('raised', 'evidence_updated', 'resolved', 'note')`),
    )
    .addColumn('evidence', 'jsonb')
    .addColumn('note', 'text')
    .addColumn('return_id', 'uuid', (c) => c.references('situation_returns.id'))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('alert_events_alert_idx')
    .on('alert_events')
    .columns(['alert_id', 'id'])
    .execute()

  // RAG per location: the worst open alert, kept current with every change to alerts. Green when none.
  await db.schema
    .createTable('location_risk')
    .addColumn('location_id', 'uuid', (c) => c.primaryKey().references('locations.id'))
    .addColumn('rag', 'text', (c) => c.notNull().check(sql`rag in ('red', 'amber', 'green')`))
    .addColumn('open_alerts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('open_case_id', 'uuid', (c) => c.references('cases.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('location_risk_rag_idx').on('location_risk').column('rag').execute()

  // Small settings a council administrator can change (e.g. the enquiry target in working days).
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'settings',
    'location_risk',
    'alert_events',
    'alerts',
    'case_actions',
    'case_events',
    'cases',
    'risk_rule_versions',
  ])
    await db.schema.dropTable(t).execute()
}
