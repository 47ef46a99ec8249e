import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 23's remaining parts:
// - The directory's dated history of registered beds: a location's beds from its registration (what
//   is on record now, for the locations already there), and a new entry whenever its beds change, so a
//   grant round reads beds as they stood on its snapshot date. Kept by triggers so that every way the
//   directory writes a location (its edit form, the CQC import, the seeds) records the history.
// - Grant rounds may also be per occupied bed (from the returns' occupancy), and may give a share per
//   person supported to home care beside the share per bed to care homes.
// - A published version may carry one data file besides its HTML, DOCX and CSV (grants' 360Giving
//   file), stored as bytes at publication like the others.
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `
    create table location_bed_history (
      id uuid primary key default gen_random_uuid(),
      location_id uuid not null references locations(id) on delete cascade,
      registered_beds integer check (registered_beds >= 0),
      effective_from date not null,
      recorded_at timestamptz not null default now()
    )`,
    `create index location_bed_history_latest_idx
      on location_bed_history (location_id, effective_from desc, recorded_at desc)`,
    `
    insert into location_bed_history (location_id, registered_beds, effective_from)
      select id, registered_beds, coalesce(registration_start, date '1900-01-01') from locations`,
    `
    create function location_beds_registered() returns trigger language plpgsql as $$
    begin
      insert into location_bed_history (location_id, registered_beds, effective_from)
        select n.id, n.registered_beds, coalesce(n.registration_start, date '1900-01-01') from new_rows n;
      return null;
    end $$`,
    `
    create function location_beds_changed() returns trigger language plpgsql as $$
    begin
      insert into location_bed_history (location_id, registered_beds, effective_from)
        select n.id, n.registered_beds, current_date
        from new_rows n join old_rows o on o.id = n.id
        where n.registered_beds is distinct from o.registered_beds;
      return null;
    end $$`,
    `
    create trigger locations_beds_registered after insert on locations
      referencing new table as new_rows
      for each statement execute function location_beds_registered()`,
    `
    create trigger locations_beds_changed after update on locations
      referencing old table as old_rows new table as new_rows
      for each statement execute function location_beds_changed()`,
    'alter table grant_rounds drop constraint grant_rounds_basis_check',
    `alter table grant_rounds add constraint grant_rounds_basis_check
      check (basis in ('registered_beds', 'occupied_beds', 'people_supported'))`,
    `alter table grant_rounds add column home_care_share_bp integer not null default 0
      check (home_care_share_bp between 0 and 10000)`,
    'alter table publication_versions add column data_file bytea',
    'alter table publication_versions add column data_file_name text',
    'alter table publication_versions add column data_file_type text',
  ]
  // One statement at a time: the embedded database takes one per query.
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table publication_versions drop column data_file_type',
    'alter table publication_versions drop column data_file_name',
    'alter table publication_versions drop column data_file',
    // Rounds per occupied bed cannot stay under the older rule.
    `delete from grant_spend_returns where allocation_id in (select a.id from grant_allocations a
      join grant_rounds r on r.id = a.round_id where r.basis = 'occupied_beds')`,
    `delete from grant_payments where allocation_id in (select a.id from grant_allocations a
      join grant_rounds r on r.id = a.round_id where r.basis = 'occupied_beds')`,
    `delete from grant_allocations where round_id in (select id from grant_rounds where basis = 'occupied_beds')`,
    `delete from grant_previews where round_id in (select id from grant_rounds where basis = 'occupied_beds')`,
    `delete from grant_tranches where round_id in (select id from grant_rounds where basis = 'occupied_beds')`,
    `delete from grant_rounds where basis = 'occupied_beds'`,
    'alter table grant_rounds drop column home_care_share_bp',
    'alter table grant_rounds drop constraint grant_rounds_basis_check',
    `alter table grant_rounds add constraint grant_rounds_basis_check
      check (basis in ('registered_beds', 'people_supported'))`,
    'drop trigger if exists locations_beds_changed on locations',
    'drop trigger if exists locations_beds_registered on locations',
    'drop function if exists location_beds_changed()',
    'drop function if exists location_beds_registered()',
    'drop table location_bed_history',
  ])
    await sql.raw(statement).execute(db)
}
