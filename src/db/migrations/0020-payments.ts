import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Paying providers (issue 22): commissioned packages and beds with their delivered hours and void
// beds, payment schemes as data, payment runs and their lines, the uploads' previews and the words of
// the public provider-support return. Money in whole pence (bigint).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('commissioned_packages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('location_id', 'uuid', (c) => c.references('locations.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('funder', 'text', (c) => c.notNull().check(sql`funder in ('council', 'nhs_chc')`))
    .addColumn('beds', 'integer', (c) => c.check(sql`beds > 0`))
    .addColumn('weekly_rate_pence', 'bigint', (c) => c.check(sql`weekly_rate_pence > 0`))
    .addColumn('hourly_rate_pence', 'bigint', (c) => c.check(sql`hourly_rate_pence > 0`))
    .addColumn('planned_hours_hundredths', 'integer', (c) => c.check(sql`planned_hours_hundredths > 0`))
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date')
    .addColumn('in_area', 'boolean', (c) => c.notNull())
    .addColumn('discharge_pathway', 'boolean', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('commissioned_packages_reference_key', ['council_id', 'reference'])
    .addCheckConstraint('commissioned_packages_dates', sql`ends_on is null or ends_on >= starts_on`)
    .addCheckConstraint(
      'commissioned_packages_beds_or_hours',
      sql`(beds is not null and weekly_rate_pence is not null and hourly_rate_pence is null and planned_hours_hundredths is null)
       or (beds is null and weekly_rate_pence is null and hourly_rate_pence is not null and planned_hours_hundredths is not null)`,
    )
    .execute()
  await db.schema
    .createIndex('commissioned_packages_provider_idx')
    .on('commissioned_packages')
    .column('provider_id')
    .execute()

  await db.schema
    .createTable('delivered_hours')
    .addColumn('package_id', 'uuid', (c) => c.notNull().references('commissioned_packages.id'))
    .addColumn('week_starting', 'date', (c) => c.notNull())
    .addColumn('hours_hundredths', 'integer', (c) => c.notNull().check(sql`hours_hundredths >= 0`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivered_hours_pkey', ['package_id', 'week_starting'])
    .execute()

  await db.schema
    .createTable('void_beds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('package_id', 'uuid', (c) => c.notNull().references('commissioned_packages.id'))
    .addColumn('beds', 'integer', (c) => c.notNull().check(sql`beds > 0`))
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('void_beds_dates', sql`ends_on >= starts_on`)
    .execute()
  await db.schema.createIndex('void_beds_package_idx').on('void_beds').column('package_id').execute()

  await db.schema
    .createTable('payment_schemes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('uplift', 'void_beds', 'average_payment', 'discharge_rate', 'one_off')`),
    )
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('percent_basis_points', 'integer')
    .addColumn('average_weeks', 'integer')
    .addColumn('amount_pence', 'bigint')
    .addColumn('service_types', 'jsonb', (c) => c.notNull())
    .addColumn('contracted_only', 'boolean', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull().check(sql`area in ('in', 'out', 'any')`))
    .addColumn('funder', 'text', (c) => c.notNull().check(sql`funder in ('council', 'nhs_chc', 'any')`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('payment_schemes_dates', sql`ends_on >= starts_on`)
    .execute()

  await db.schema
    .createTable('payment_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('packages', 'delivered_hours', 'void_beds')`),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('rows', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('previewed', 'saved')`))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('saved_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('payment_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('standard', 'adjusting')`))
    .addColumn('adjusts_run_id', 'uuid', (c) => c.references('payment_runs.id'))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('prepared', 'approved')`))
    .addColumn('prepared_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('prepared_at', 'timestamptz', (c) => c.notNull())
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('total_pence', 'bigint', (c) => c.notNull())
    .addColumn('held_pence', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('payment_runs_reference_key', ['council_id', 'reference'])
    // Four eyes, kept by the database too: the approver is never the preparer.
    .addCheckConstraint('payment_runs_four_eyes', sql`approved_by is null or approved_by <> prepared_by`)
    .execute()

  await db.schema
    .createTable('payment_lines')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('payment_runs.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('location_id', 'uuid', (c) => c.references('locations.id'))
    .addColumn('package_id', 'uuid', (c) => c.references('commissioned_packages.id'))
    .addColumn('scheme_id', 'uuid', (c) => c.references('payment_schemes.id'))
    .addColumn('corrects_line_id', 'uuid', (c) => c.references('payment_lines.id'))
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('contracted', 'boolean', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('held', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('hold_reason', 'text')
    .addColumn('paid_on', 'date')
    .execute()
  await db.schema
    .createIndex('payment_lines_run_idx')
    .on('payment_lines')
    .columns(['run_id', 'provider_id'])
    .execute()
  await db.schema
    .createIndex('payment_lines_provider_idx')
    .on('payment_lines')
    .columns(['provider_id', 'paid_on'])
    .execute()

  await db.schema
    .createTable('support_return_wording')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('contracted', 'boolean', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('wording', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('support_return_wording_pkey', ['council_id', 'contracted', 'category'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'support_return_wording',
    'payment_lines',
    'payment_runs',
    'payment_imports',
    'payment_schemes',
    'void_beds',
    'delivered_hours',
    'commissioned_packages',
  ])
    await db.schema.dropTable(table).execute()
}
