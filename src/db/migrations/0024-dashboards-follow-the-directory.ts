import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The dashboards' rollups follow the directory (issue 17, item 1). A change to who is expected to report
// (a dated status event: registered, dormant, closed) or to the filters a location counts under (its
// council, area or service type; a council's contract with it) marks the rollup days already built stale
// for every council that sees the location, before and after the change: from the event's date, or every
// built day for a change of the location's own facts (which are not dated). Triggers, so that every writer
// (CQC import, officer's edit, linking to a council, command line) is covered by one definition; once per
// statement, over the rows it changed (an import of 50,000 rows fires each once).
const noCouncil = "'00000000-0000-0000-0000-000000000000'::uuid"

export async function up(db: Kysely<any>): Promise<void> {
  // The councils that see a set of locations: their own (or none) and each council contracting with them.
  const seeing = (rows: string) => `
    select coalesce(r.council_id, ${noCouncil}) as council_key from ${rows} r
    union select c.council_id from council_contracts c join ${rows} r on r.id = c.location_id`
  const changed = `(o.council_id, o.area, o.service_type) is distinct from (n.council_id, n.area, n.service_type)`
  const statements = [
    `
    create function dashboard_stale_after_location_update() returns trigger language plpgsql as $$
    begin
      insert into dashboard_stale (day, council_key)
      select b.day, k.council_key from dashboard_days_built b
      cross join (
        select coalesce(o.council_id, ${noCouncil}) as council_key
          from old_rows o join new_rows n on n.id = o.id where ${changed}
        union select coalesce(n.council_id, ${noCouncil})
          from old_rows o join new_rows n on n.id = o.id where ${changed}
        union select c.council_id from council_contracts c
          join new_rows n on n.id = c.location_id join old_rows o on o.id = n.id where ${changed}
      ) k
      on conflict do nothing;
      return null;
    end $$`,
    `
    create function dashboard_stale_after_status_event() returns trigger language plpgsql as $$
    begin
      insert into dashboard_stale (day, council_key)
      select b.day, k.council_key from dashboard_days_built b
      join (
        select coalesce(l.council_id, ${noCouncil}) as council_key, min(e.effective_from) as since
          from new_rows e join locations l on l.id = e.location_id group by 1
        union all
        select c.council_id, min(e.effective_from)
          from new_rows e join council_contracts c on c.location_id = e.location_id group by 1
      ) k on b.day >= k.since
      on conflict do nothing;
      return null;
    end $$`,
    `
    create function dashboard_stale_after_contract_insert() returns trigger language plpgsql as $$
    begin
      insert into dashboard_stale (day, council_key)
      select b.day, k.council_key from dashboard_days_built b
      cross join (
        select c.council_id as council_key from new_rows c
        union select coalesce(l.council_id, ${noCouncil}) from new_rows c join locations l on l.id = c.location_id
        union select c2.council_id from council_contracts c2 join new_rows c on c.location_id = c2.location_id
      ) k
      on conflict do nothing;
      return null;
    end $$`,
    `
    create function dashboard_stale_after_contract_delete() returns trigger language plpgsql as $$
    begin
      insert into dashboard_stale (day, council_key)
      select b.day, k.council_key from dashboard_days_built b
      cross join (
        select c.council_id as council_key from old_rows c
        union select coalesce(l.council_id, ${noCouncil}) from old_rows c join locations l on l.id = c.location_id
      ) k
      on conflict do nothing;
      return null;
    end $$`,
    `
    create function dashboard_stale_after_location_insert() returns trigger language plpgsql as $$
    begin
      insert into dashboard_stale (day, council_key)
      select b.day, k.council_key from dashboard_days_built b cross join (${seeing('new_rows')}) k
      on conflict do nothing;
      return null;
    end $$`,
    `
    create trigger locations_dashboard_stale after update on locations
      referencing old table as old_rows new table as new_rows
      for each statement execute function dashboard_stale_after_location_update()`,
    `
    create trigger locations_inserted_dashboard_stale after insert on locations
      referencing new table as new_rows
      for each statement execute function dashboard_stale_after_location_insert()`,
    `
    create trigger status_events_dashboard_stale after insert on location_status_events
      referencing new table as new_rows
      for each statement execute function dashboard_stale_after_status_event()`,
    `
    create trigger contracts_inserted_dashboard_stale after insert on council_contracts
      referencing new table as new_rows
      for each statement execute function dashboard_stale_after_contract_insert()`,
    `
    create trigger contracts_deleted_dashboard_stale after delete on council_contracts
      referencing old table as old_rows
      for each statement execute function dashboard_stale_after_contract_delete()`,
  ]
  // One statement at a time: the embedded database takes one per query.
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'drop trigger if exists contracts_deleted_dashboard_stale on council_contracts',
    'drop trigger if exists contracts_inserted_dashboard_stale on council_contracts',
    'drop trigger if exists status_events_dashboard_stale on location_status_events',
    'drop trigger if exists locations_inserted_dashboard_stale on locations',
    'drop trigger if exists locations_dashboard_stale on locations',
    'drop function if exists dashboard_stale_after_location_insert()',
    'drop function if exists dashboard_stale_after_contract_delete()',
    'drop function if exists dashboard_stale_after_contract_insert()',
    'drop function if exists dashboard_stale_after_status_event()',
    'drop function if exists dashboard_stale_after_location_update()',
  ])
    await sql.raw(statement).execute(db)
}
