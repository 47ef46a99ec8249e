import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The welfare job (every 5 minutes) looks for current returns of the last two days that report visits
// missed. With no index on when a return was sent it read every return ever saved: 39 s a run on the
// national data (6.4 million returns), measured with pg_stat_statements in the morning-peak benchmark.
// The index holds only the returns that report visits missed (a few home-care returns a week), so it
// costs the other returns' saves almost nothing; its condition is the job's own.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index situation_returns_visits_missed_idx on situation_returns (submitted_at)
    where is_current and jsonb_typeof(values->'visitsMissed') = 'number' and (values->>'visitsMissed')::int > 0`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index situation_returns_visits_missed_idx`.execute(db)
}
