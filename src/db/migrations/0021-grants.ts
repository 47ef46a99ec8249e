import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Grants passed to providers (issue 23): a council's rounds with their pot, shares, basis, snapshot
// date, eligibility rules, retained sums, tranches and measures; each preview kept (so the next shows
// what changed); the committed allocation per location with the provider's answer; tranche payments;
// spend returns by measure with what is clawed back and when it was recovered. Money in pence.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('grant_rounds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('pot_pence', 'bigint', (c) => c.notNull().check(sql`pot_pence > 0`))
    .addColumn('retained_pence', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`retained_pence >= 0`))
    .addColumn('retained_purpose', 'text')
    .addColumn('formula_share_bp', 'integer', (c) =>
      c.notNull().check(sql`formula_share_bp between 0 and 10000`),
    )
    .addColumn('basis', 'text', (c) =>
      c.notNull().check(sql`basis in ('registered_beds', 'people_supported')`),
    )
    .addColumn('snapshot_date', 'date', (c) => c.notNull())
    .addColumn('round_date', 'date', (c) => c.notNull())
    .addColumn('pass_on_working_days', 'integer', (c) => c.notNull())
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('measures_allowed', 'jsonb', (c) => c.notNull())
    .addColumn('measures_not_allowed', 'jsonb', (c) => c.notNull())
    .addColumn('clawback_unspent', 'boolean', (c) => c.notNull())
    .addColumn('funder_id', 'text', (c) => c.notNull())
    .addColumn('pot_source', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`status in ('draft', 'committed')`),
    )
    .addColumn('committed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('committed_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('grant_rounds_retained_check', sql`retained_pence <= pot_pence`)
    .execute()
  await db.schema
    .createIndex('grant_rounds_council_idx')
    .on('grant_rounds')
    .columns(['council_id', 'round_date'])
    .execute()

  await db.schema
    .createTable('grant_tranches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('grant_rounds.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('pay_on', 'date', (c) => c.notNull())
    .addColumn('share_bp', 'integer', (c) => c.notNull().check(sql`share_bp between 1 and 10000`))
    .addUniqueConstraint('grant_tranches_number_key', ['round_id', 'number'])
    .execute()

  // Each preview's lines, as finance saw them: the next preview shows what changed since.
  await db.schema
    .createTable('grant_previews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('grant_rounds.id').onDelete('cascade'))
    // 1, 2, 3… per round: the order of the previews, whatever their clocks say.
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('formula_pence', 'bigint', (c) => c.notNull())
    .addColumn('discretionary_pence', 'bigint', (c) => c.notNull())
    .addColumn('total_basis', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('grant_previews_round_idx')
    .on('grant_previews')
    .columns(['round_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('grant_allocations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('grant_rounds.id'))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('basis_value', 'integer', (c) => c.notNull())
    .addColumn('eligible', 'boolean', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence >= 0`))
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('accepted', 'declined')`))
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_on', 'date')
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addUniqueConstraint('grant_allocations_location_key', ['round_id', 'location_id'])
    .execute()
  await db.schema
    .createIndex('grant_allocations_provider_idx')
    .on('grant_allocations')
    .column('provider_id')
    .execute()
  await db.schema
    .createIndex('grant_allocations_location_idx')
    .on('grant_allocations')
    .column('location_id')
    .execute()

  await db.schema
    .createTable('grant_payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('allocation_id', 'uuid', (c) => c.notNull().references('grant_allocations.id'))
    .addColumn('tranche_id', 'uuid', (c) => c.notNull().references('grant_tranches.id'))
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence >= 0`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('grant_payments_tranche_key', ['allocation_id', 'tranche_id'])
    .execute()

  await db.schema
    .createTable('grant_spend_returns')
    .addColumn('allocation_id', 'uuid', (c) => c.primaryKey().references('grant_allocations.id'))
    .addColumn('amounts', 'jsonb', (c) => c.notNull())
    .addColumn('spent_pence', 'bigint', (c) => c.notNull().check(sql`spent_pence >= 0`))
    .addColumn('unspent_pence', 'bigint', (c) => c.notNull().check(sql`unspent_pence >= 0`))
    .addColumn('clawback_pence', 'bigint', (c) => c.notNull().check(sql`clawback_pence >= 0`))
    .addColumn('recovered_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recovered_on', 'date')
    .addColumn('submitted_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint(
      'grant_spend_returns_recovered_check',
      sql`recovered_pence between 0 and clawback_pence`,
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'grant_spend_returns',
    'grant_payments',
    'grant_allocations',
    'grant_previews',
    'grant_tranches',
    'grant_rounds',
  ])
    await db.schema.dropTable(table).execute()
}
