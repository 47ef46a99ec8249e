import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Emergency staffing (requests, the staffing pool with its checks and availability, deployments
// against a named budget) and infection-control visits (checklist, findings, actions, follow-ups).
export async function up(db: Kysely<any>): Promise<void> {
  // Money the council keeps for emergency staffing, e.g. the £50K retained from the ICF's second tranche.
  await db.schema
    .createTable('staffing_budgets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allocation_pence', 'bigint', (c) => c.notNull().check(sql`allocation_pence >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await sql`create sequence staffing_request_reference_seq start 1001`.execute(db)
  await db.schema
    .createTable('staffing_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('reference', 'text', (c) =>
      c.notNull().unique().defaultTo(sql`'STF-' || nextval('staffing_request_reference_seq')`),
    )
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('isolation', 'outbreak', 'vacancy')`),
    )
    .addColumn('urgency', 'text', (c) =>
      c.notNull().check(sql`urgency in ('within_24_hours', 'within_3_days', 'this_week')`),
    )
    .addColumn('details', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'filled', 'part_filled', 'unfilled')`),
    )
    // Why a request closed part filled or unfilled (nobody free, checks expired, budget spent).
    .addColumn('outcome_reason', 'text')
    .addColumn('requested_by_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by_user_id', 'uuid', (c) => c.references('users.id'))
    .execute()
  await db.schema
    .createIndex('staffing_requests_location_idx')
    .on('staffing_requests')
    .columns(['location_id', 'requested_at'])
    .execute()

  await db.schema
    .createTable('staffing_request_shifts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('staffing_requests.id'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('care_worker', 'senior_carer', 'nurse', 'cook', 'domestic')`),
    )
    .addColumn('shift_on', 'date', (c) => c.notNull())
    // Minutes after midnight; a shift ends after it starts, on the same day.
    .addColumn('starts_minute', 'integer', (c) => c.notNull().check(sql`starts_minute between 0 and 1439`))
    .addColumn('ends_minute', 'integer', (c) => c.notNull().check(sql`ends_minute between 1 and 1440`))
    .addColumn('people_needed', 'integer', (c) => c.notNull().check(sql`people_needed between 1 and 20`))
    .addCheckConstraint('staffing_shift_ends_after_start', sql`ends_minute > starts_minute`)
    .execute()
  await db.schema
    .createIndex('staffing_shifts_request_idx')
    .on('staffing_request_shifts')
    .column('request_id')
    .execute()

  // The staffing pool: people the council and NHS partners can deploy. Personal data.
  await db.schema
    .createTable('staffing_pool_people')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Their employer, as words: "NHS Northmoor North CCG", "Council staff bank".
    .addColumn('employer', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('care_worker', 'senior_carer', 'nurse', 'cook', 'domestic')`),
    )
    .addColumn('skills', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('staffing_pool_checks')
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('staffing_pool_people.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('dbs', 'right_to_work', 'training')`))
    .addColumn('reference', 'text')
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('staffing_pool_checks_pkey', ['person_id', 'kind'])
    .execute()

  await db.schema
    .createTable('staffing_pool_availability')
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('staffing_pool_people.id'))
    .addColumn('available_on', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('staffing_pool_availability_pkey', ['person_id', 'available_on'])
    .execute()

  await db.schema
    .createTable('staffing_deployments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('shift_id', 'uuid', (c) => c.notNull().references('staffing_request_shifts.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('staffing_pool_people.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('staffing_budgets.id'))
    // The shift's date, copied so "already deployed that day" is one indexed look-up.
    .addColumn('shift_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('booked', 'worked', 'cancelled')`))
    .addColumn('hourly_rate_pence', 'bigint', (c) => c.notNull().check(sql`hourly_rate_pence > 0`))
    .addColumn('minutes_worked', 'integer', (c) => c.notNull().check(sql`minutes_worked >= 0`))
    // What it costs the budget: booked at the shift's length, worked at the minutes worked, cancelled 0.
    .addColumn('cost_pence', 'bigint', (c) => c.notNull().check(sql`cost_pence >= 0`))
    // Set when the deployment took the budget past its allocation: who agreed to it, and when.
    .addColumn('overspend_confirmed_by_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('overspend_confirmed_at', 'timestamptz')
    .addColumn('deployed_by_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('deployed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('staffing_deployments_person_day_idx')
    .on('staffing_deployments')
    .columns(['person_id', 'shift_on'])
    .execute()
  await db.schema
    .createIndex('staffing_deployments_shift_idx')
    .on('staffing_deployments')
    .column('shift_id')
    .execute()
  await db.schema
    .createIndex('staffing_deployments_budget_idx')
    .on('staffing_deployments')
    .column('budget_id')
    .execute()

  // Infection-control visits. The checklist is each council's own data, edited by its admin.
  await db.schema
    .createTable('ipc_checklist_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('ipc_visits')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    // The IPC team (or council) whose nurse visits, and who planned it.
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('planned_by_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('visit_on', 'date', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('planned', 'done', 'cancelled')`))
    // The entry in the shared contact log that tells every partner the visit is booked.
    .addColumn('contact_id', 'uuid', (c) => c.references('contact_log_entries.id'))
    .addColumn('follow_up_of_visit_id', 'uuid', (c) => c.references('ipc_visits.id'))
    .addColumn('summary', 'text')
    .addColumn('recorded_by_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ipc_visits_location_idx')
    .on('ipc_visits')
    .columns(['location_id', 'visit_on'])
    .execute()

  await db.schema
    .createTable('ipc_visit_findings')
    .addColumn('visit_id', 'uuid', (c) => c.notNull().references('ipc_visits.id'))
    .addColumn('checklist_item_id', 'uuid', (c) => c.notNull().references('ipc_checklist_items.id'))
    // The item's words when the visit was recorded: a later edit of the checklist does not rewrite it.
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) =>
      c.notNull().check(sql`result in ('met', 'partly_met', 'not_met', 'not_seen')`),
    )
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('ipc_visit_findings_pkey', ['visit_id', 'checklist_item_id'])
    .execute()

  await db.schema
    .createTable('ipc_visit_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('visit_id', 'uuid', (c) => c.notNull().references('ipc_visits.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('done_at', 'timestamptz')
    .addColumn('done_by_user_id', 'uuid', (c) => c.references('users.id'))
    .execute()
  await db.schema
    .createIndex('ipc_visit_actions_visit_idx')
    .on('ipc_visit_actions')
    .column('visit_id')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'ipc_visit_actions',
    'ipc_visit_findings',
    'ipc_visits',
    'ipc_checklist_items',
    'staffing_deployments',
    'staffing_pool_availability',
    'staffing_pool_checks',
    'staffing_pool_people',
    'staffing_request_shifts',
    'staffing_requests',
    'staffing_budgets',
  ])
    await db.schema.dropTable(table).execute()
  await sql`drop sequence staffing_request_reference_seq`.execute(db)
}
