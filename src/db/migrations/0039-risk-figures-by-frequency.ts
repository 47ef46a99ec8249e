import type { Kysely } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The trend and outlier rules read each frequency's own recent periods (the last four weeks of daily
// returns, a few more weeks of weekly ones): one index range each. With only the period index, the
// national recompute filtered every return ever made (issue 19: 3.9 s against its 2 s target).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('return_risk_figures_frequency_period_idx')
    .on('return_risk_figures')
    .columns(['frequency', 'period_start'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('return_risk_figures_frequency_period_idx').execute()
}
