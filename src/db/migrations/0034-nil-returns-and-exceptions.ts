import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 19: nil returns and agreed exceptions per location.
// - A nil return says a location has no figures this period (no people supported, temporarily closed):
//   `nil_return` (0003) is now set, with why (`nil_reason`, one of a few kinds) and, optionally, more words.
// - An agreed exception was one row per location, written by nobody. Now a location may have many over
//   time, each a later deadline (extra hours) or an exemption (no return expected), from a first day to an
//   optional last day. Nothing is deleted: ending one records who ended it, when and why, and the first
//   day it no longer applies (`ended_from`); the grant itself stays as it was given.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table situation_returns
    add column nil_reason text,
    add column nil_details text,
    add constraint situation_returns_nil_reason_check
      check (nil_reason in ('no-people-supported', 'temporarily-closed', 'other')),
    add constraint situation_returns_nil_return_reason_check check (nil_return = (nil_reason is not null))`.execute(
    db,
  )

  await sql`alter table return_exceptions drop constraint return_exceptions_pkey`.execute(db)
  await sql`alter table return_exceptions
    add column id uuid not null default gen_random_uuid(),
    add column kind text not null default 'later-deadline',
    -- An exception written before this migration (or without a first day) applies from the start.
    add column starts_on date not null default '2000-01-01',
    add column last_day date,
    add column ended_from date,
    add column ended_at timestamptz,
    add column ended_by uuid references users (id),
    add column end_reason text,
    add constraint return_exceptions_kind_check check (kind in ('later-deadline', 'exempt')),
    add constraint return_exceptions_days_check check (last_day is null or last_day >= starts_on),
    add constraint return_exceptions_ended_check check ((ended_at is null) = (ended_from is null))`.execute(
    db,
  )
  await sql`alter table return_exceptions add primary key (id)`.execute(db)
  await sql`create index return_exceptions_location_idx on return_exceptions (location_id, starts_on)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index return_exceptions_location_idx`.execute(db)
  // One row per location again: the newest later deadline still in force is kept; the rest cannot be.
  await sql`delete from return_exceptions x
    where x.kind <> 'later-deadline' or x.ended_at is not null
       or exists (select 1 from return_exceptions y
                  where y.location_id = x.location_id and y.kind = 'later-deadline' and y.ended_at is null
                    and (y.created_at, y.id) > (x.created_at, x.id))`.execute(db)
  await sql`alter table return_exceptions drop constraint return_exceptions_pkey`.execute(db)
  await sql`alter table return_exceptions
    drop column id, drop column kind, drop column starts_on, drop column last_day, drop column ended_from,
    drop column ended_at, drop column ended_by, drop column end_reason`.execute(db)
  await sql`alter table return_exceptions add primary key (location_id)`.execute(db)
  await sql`alter table situation_returns
    drop constraint situation_returns_nil_return_reason_check,
    drop constraint situation_returns_nil_reason_check,
    drop column nil_details,
    drop column nil_reason`.execute(db)
}
