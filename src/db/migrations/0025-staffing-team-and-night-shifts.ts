import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Emergency staffing (issue 21): the staffing team is per user, not per role (the pool is personal data,
// so a council decides who sees it), and a shift may end the next morning (a night shift, 20:00 to
// 08:00): its end is then stored as minutes after the midnight it starts from, so up to 2880.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table staffing_team_members (
    user_id uuid primary key references users(id),
    council_id uuid not null references organisations(id),
    is_lead boolean not null default false,
    added_by uuid references users(id),
    added_at timestamptz not null)`.execute(db)
  await sql`create index staffing_team_members_council_idx on staffing_team_members (council_id)`.execute(db)

  await sql`alter table staffing_request_shifts
    drop constraint staffing_request_shifts_ends_minute_check,
    add constraint staffing_shift_ends_within_a_day
      check (ends_minute between 1 and 2880 and ends_minute - starts_minute <= 1440)`.execute(db)
}

// Back to same-day shifts: a night shift is cut at midnight (its start and date stay); the team goes.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update staffing_request_shifts set ends_minute = 1440 where ends_minute > 1440`.execute(db)
  await sql`alter table staffing_request_shifts
    drop constraint staffing_shift_ends_within_a_day,
    add constraint staffing_request_shifts_ends_minute_check check (ends_minute between 1 and 1440)`.execute(
    db,
  )
  await sql`drop table staffing_team_members`.execute(db)
}
