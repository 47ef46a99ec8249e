import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The national dashboard's "now" figures kept up to date (issue 27): RAG counts and open alerts by the
// organisation owning their case, over the locations open now, by service type. Counting them per view
// over every open alert took 32–35 ms p95 nationally. Their inputs have three writers: early warning's
// alert store (alerts, their cases and `location_risk`), casework (a case's owner) and the directory
// (a location's status, dormancy and service type), so the counts are kept by statement triggers on
// those tables, in the same transaction as each change, whatever the writer.
//
// `dashboard_count_parts` holds what each location adds to the counts (one row per location, locked by
// the trigger so two writers of one location take turns); `dashboard_alert_counts` holds the counts as
// rows of changes (append-only: no hot row for writers to queue on), summed when read and compacted by
// the dashboards' `dashboard-counts-compact` job.
const none = "'00000000-0000-0000-0000-000000000000'::uuid"

// What a parts row adds: each open-now location counts once as open and once under a red or amber RAG,
// and each of its open alerts with a case under the case's owner (`none` when not yet owned).
const contributions = (parts: string, sign: string) => `
  select p.service_type, k.kind, k.owner_id, ${sign} k.n as n from ${parts} p cross join lateral (
    select 'open'::text as kind, ${none} as owner_id, 1 as n
    union all select p.rag, ${none}, 1 where p.rag in ('red', 'amber')
    union all select 'alerts', e.key::uuid, e.value::int from jsonb_each_text(p.owners) e
  ) k where p.open_now`

const triggers: [table: string, event: string, rows: string][] = [
  ['alerts', 'insert', 'select location_id from new_rows'],
  ['alerts', 'update', 'select location_id from new_rows union select location_id from old_rows'],
  ['alerts', 'delete', 'select location_id from old_rows'],
  ['cases', 'update', 'select location_id from new_rows union select location_id from old_rows'],
  ['cases', 'delete', 'select location_id from old_rows'],
  ['location_risk', 'insert', 'select location_id from new_rows'],
  ['location_risk', 'update', 'select location_id from new_rows union select location_id from old_rows'],
  ['location_risk', 'delete', 'select location_id from old_rows'],
  ['locations', 'insert', 'select id from new_rows'],
  ['locations', 'update', 'select id from new_rows union select id from old_rows'],
  ['locations', 'delete', 'select id from old_rows'],
]
const triggerName = (table: string, event: string) => `${table}_${event}_dashboard_counts`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table dashboard_count_parts (
    location_id uuid primary key,
    service_type text,
    open_now boolean not null default false,
    rag text,
    owners jsonb not null default '{}'
  )`.execute(db)
  await sql`create table dashboard_alert_counts (
    id bigint generated always as identity primary key,
    service_type text not null,
    kind text not null,
    owner_id uuid not null,
    n integer not null
  )`.execute(db)
  await sql
    .raw(`
    create function dashboard_counts_refresh(ids uuid[]) returns void language plpgsql as $$
    begin
      insert into dashboard_count_parts (location_id) select distinct i from unnest(ids) i on conflict do nothing;
      -- Two writers of the same location take turns here; each then reads the other's committed change.
      perform 1 from dashboard_count_parts where location_id = any(ids) order by location_id for update;
      with fresh as (
        select l.id as location_id, l.service_type, (l.status = 'open' and not l.dormant) as open_now, r.rag,
          coalesce((select jsonb_object_agg(o.owner_id, o.n) from (
            select coalesce(c.owning_organisation_id, ${none}) as owner_id, count(*) as n
            from alerts a join cases c on c.id = a.case_id
            where a.location_id = l.id and a.status = 'open' group by 1) o), '{}') as owners
        from locations l left join location_risk r on r.location_id = l.id
        where l.id = any(ids)
      ),
      old as (select * from dashboard_count_parts where location_id = any(ids)),
      kept as (
        update dashboard_count_parts p set service_type = f.service_type, open_now = f.open_now, rag = f.rag,
          owners = f.owners
        from fresh f where p.location_id = f.location_id
          and (p.service_type, p.open_now, p.rag, p.owners) is distinct from (f.service_type, f.open_now, f.rag, f.owners)
      ),
      gone as (
        delete from dashboard_count_parts p
        where p.location_id = any(ids) and p.location_id not in (select location_id from fresh)
      )
      insert into dashboard_alert_counts (service_type, kind, owner_id, n)
      select service_type, kind, owner_id, sum(n) from (
        ${contributions('fresh', '')} union all ${contributions('old', '-')}
      ) d group by 1, 2, 3 having sum(n) <> 0;
    end $$`)
    .execute(db)
  for (const [table, event, rows] of triggers) {
    const name = triggerName(table, event)
    const referencing =
      event === 'insert'
        ? 'new table as new_rows'
        : event === 'delete'
          ? 'old table as old_rows'
          : 'old table as old_rows new table as new_rows'
    await sql
      .raw(`create function ${name}() returns trigger language plpgsql as $$
      begin
        perform dashboard_counts_refresh(array(${rows}));
        return null;
      end $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${name} after ${event} on ${table}
      referencing ${referencing} for each statement execute function ${name}()`)
      .execute(db)
  }
  // The counts as they stand.
  await sql`select dashboard_counts_refresh(array(select id from locations))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, event] of triggers) {
    const name = triggerName(table, event)
    await sql.raw(`drop trigger if exists ${name} on ${table}`).execute(db)
    await sql.raw(`drop function if exists ${name}()`).execute(db)
  }
  await sql`drop function if exists dashboard_counts_refresh(uuid[])`.execute(db)
  await sql`drop table dashboard_alert_counts`.execute(db)
  await sql`drop table dashboard_count_parts`.execute(db)
}
