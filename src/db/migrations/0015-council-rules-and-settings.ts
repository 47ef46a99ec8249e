import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Risk rules and settings belong to a council. Until now there was one set for the whole install, so
// one council's administrator changed every council's rules and enquiry target. Each row now names its
// council; a row with no council is the install's default, which only an install administrator
// changes. Every existing council gets its own copy of the current rules (every version, so its history
// reads as before) and settings, and its alerts are re-pointed at its own copy of the rule version that
// raised them, so nothing about existing data changes. A council added later is given a copy of the
// install's defaults by the triggers below, whichever way it is added (web, CLI, seeds, COPY).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table risk_rule_versions add column council_id uuid references organisations(id)`.execute(
    db,
  )
  await sql`alter table risk_rule_versions drop constraint risk_rule_versions_key`.execute(db)
  await sql`drop index risk_rule_versions_current_key`.execute(db)
  // One version number and one current version per rule key, within each council and within the
  // install's defaults (partial indexes, as a null council would not clash in a plain unique index).
  await sql`create unique index risk_rule_versions_council_version on risk_rule_versions (council_id, rule_key, version) where council_id is not null`.execute(
    db,
  )
  await sql`create unique index risk_rule_versions_install_version on risk_rule_versions (rule_key, version) where council_id is null`.execute(
    db,
  )
  await sql`create unique index risk_rule_versions_council_current on risk_rule_versions (council_id, rule_key) where is_current and council_id is not null`.execute(
    db,
  )
  await sql`create unique index risk_rule_versions_install_current on risk_rule_versions (rule_key) where is_current and council_id is null`.execute(
    db,
  )
  await sql`
    insert into risk_rule_versions (council_id, rule_key, version, is_current, name, condition, severity, message,
                                    enabled, change_note, changed_by, changed_at)
    select o.id, r.rule_key, r.version, r.is_current, r.name, r.condition, r.severity, r.message, r.enabled,
           r.change_note, r.changed_by, r.changed_at
      from organisations o cross join risk_rule_versions r
     where o.kind = 'council' and r.council_id is null`.execute(db)
  // A location in a council's area is judged by that council's rules: its alerts name the council's copy.
  await sql`
    update alerts a set rule_version_id = c.id
      from risk_rule_versions d, locations l, risk_rule_versions c
     where a.rule_version_id = d.id and d.council_id is null
       and l.id = a.location_id and c.council_id = l.council_id
       and c.rule_key = d.rule_key and c.version = d.version`.execute(db)

  // Settings: the install's defaults (no council) and each council's own.
  await sql`alter table settings drop constraint settings_pkey`.execute(db)
  await sql`alter table settings add column id uuid not null default gen_random_uuid() primary key`.execute(
    db,
  )
  await sql`alter table settings add column council_id uuid references organisations(id)`.execute(db)
  await sql`create unique index settings_install_key on settings (key) where council_id is null`.execute(db)
  await sql`create unique index settings_council_key on settings (council_id, key) where council_id is not null`.execute(
    db,
  )
  // The enquiry target's default (2 working days) as a row, so every council holds a value of its own.
  await sql`
    insert into settings (key, value, updated_at) values ('enquiry_target_working_days', '2'::jsonb, now())
    on conflict (key) where council_id is null do nothing`.execute(db)
  await sql`
    insert into settings (council_id, key, value, updated_by, updated_at)
    select o.id, s.key, s.value, s.updated_by, s.updated_at
      from organisations o cross join settings s
     where o.kind = 'council' and s.council_id is null`.execute(db)

  // A new council (or an organisation that becomes one) starts with a copy of the install's defaults.
  await sql`
    create function council_takes_install_defaults() returns trigger language plpgsql as $$
    begin
      insert into risk_rule_versions (council_id, rule_key, version, is_current, name, condition, severity,
                                      message, enabled, change_note, changed_at)
      select new.id, r.rule_key, 1, true, r.name, r.condition, r.severity, r.message, r.enabled,
             'Copied from the install’s defaults when the council was added', now()
        from risk_rule_versions r
       where r.council_id is null and r.is_current
      on conflict do nothing;
      insert into settings (council_id, key, value, updated_at)
      select new.id, s.key, s.value, now() from settings s where s.council_id is null
      on conflict do nothing;
      return null;
    end $$`.execute(db)
  await sql`
    create trigger organisations_council_added after insert on organisations
    for each row when (new.kind = 'council') execute function council_takes_install_defaults()`.execute(db)
  await sql`
    create trigger organisations_became_council after update of kind on organisations
    for each row when (new.kind = 'council' and old.kind <> 'council')
    execute function council_takes_install_defaults()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger organisations_became_council on organisations`.execute(db)
  await sql`drop trigger organisations_council_added on organisations`.execute(db)
  await sql`drop function council_takes_install_defaults()`.execute(db)

  await sql`delete from settings where council_id is not null`.execute(db)
  await sql`drop index settings_council_key`.execute(db)
  await sql`drop index settings_install_key`.execute(db)
  await sql`alter table settings drop column council_id`.execute(db)
  await sql`alter table settings drop column id`.execute(db)
  await sql`alter table settings add primary key (key)`.execute(db)

  // Alerts go back to the install's version with the same key and number (or none, for a council's own).
  await sql`
    update alerts a set rule_version_id = (
      select d.id from risk_rule_versions d
       where d.council_id is null and d.rule_key = c.rule_key and d.version = c.version)
      from risk_rule_versions c
     where a.rule_version_id = c.id and c.council_id is not null`.execute(db)
  await sql`delete from risk_rule_versions where council_id is not null`.execute(db)
  await sql`drop index risk_rule_versions_install_current`.execute(db)
  await sql`drop index risk_rule_versions_council_current`.execute(db)
  await sql`drop index risk_rule_versions_install_version`.execute(db)
  await sql`drop index risk_rule_versions_council_version`.execute(db)
  await sql`alter table risk_rule_versions drop column council_id`.execute(db)
  await sql`alter table risk_rule_versions add constraint risk_rule_versions_key unique (rule_key, version)`.execute(
    db,
  )
  await sql`create unique index risk_rule_versions_current_key on risk_rule_versions (rule_key) where is_current`.execute(
    db,
  )
}
