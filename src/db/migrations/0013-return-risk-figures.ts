import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The few figures of each current return that the risk rules read, in a narrow table kept by a trigger
// on situation_returns, so every writer (web, upload, API, capacity tracker import, seeds, bulk COPY) keeps
// it current without knowing about it. Recomputing every rule for the whole market then reads ~60 bytes
// per return for the last 20 days instead of each return's whole JSON (800 bytes): at national scale
// (27,000 locations, 330,000 returns in the window) that is the difference between 4 s and well under 1 s.
// Derived data only: it can be rebuilt from situation_returns at any time (the backfill below does so).
const ppe = ['Gloves', 'Aprons', 'TypeIirMasks', 'Ffp3Masks', 'EyeProtection', 'HandSanitiser']
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const whole = [
  ...ppe.map((p) => `ppeDays${p}`),
  'staffEmployed',
  'staffAbsentCovid',
  'staffAbsentOther',
  'bedsAvailable',
  'bedsOccupied',
]

// The column list and the expressions that fill it from a row `r` of situation_returns.
const columns = [
  'location_id',
  'period_start',
  'frequency',
  'return_id',
  'submitted_at',
  'confirmed_cases',
  'suspected_cases',
  'deaths',
  ...whole.map(snake),
  'closed_to_admissions',
  'help_requested',
]
const expressions = (r: string) => [
  `${r}.location_id`,
  `${r}.period_start`,
  `${r}.frequency`,
  `${r}.id`,
  `${r}.submitted_at`,
  `coalesce(risk_whole(${r}.values, 'confirmedCasesResidents'), 0) + coalesce(risk_whole(${r}.values, 'confirmedCasesStaff'), 0)`,
  `coalesce(risk_whole(${r}.values, 'suspectedCasesResidents'), 0) + coalesce(risk_whole(${r}.values, 'suspectedCasesStaff'), 0)`,
  `coalesce(risk_whole(${r}.values, 'covidDeathsResidents'), 0) + coalesce(risk_whole(${r}.values, 'otherDeathsResidents'), 0) + coalesce(risk_whole(${r}.values, 'covidDeathsStaff'), 0)`,
  ...whole.map((k) => `risk_whole(${r}.values, '${k}')`),
  `case when jsonb_typeof(${r}.values -> 'closedToAdmissions') = 'boolean' then (${r}.values ->> 'closedToAdmissions')::boolean end`,
  `case when jsonb_typeof(${r}.values -> 'helpRequested') = 'string' then ${r}.values ->> 'helpRequested' end`,
]

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table return_risk_figures (
      location_id uuid not null,
      period_start date not null,
      frequency text not null,
      return_id uuid not null,
      submitted_at timestamptz not null,
      confirmed_cases integer not null,
      suspected_cases integer not null,
      deaths integer not null,
      ${whole.map((k) => `${snake(k)} integer`).join(',\n      ')},
      closed_to_admissions boolean,
      help_requested text,
      primary key (location_id, period_start)
    )`)
    .execute(db)
  await sql`create index return_risk_figures_period_idx on return_risk_figures (period_start)`.execute(db)

  // A whole number from a return's values, or null when it is missing or not a number.
  await sql`
    create function risk_whole(v jsonb, k text) returns integer language sql immutable as $$
      select case when jsonb_typeof(v -> k) = 'number' then (v ->> k)::numeric::integer end
    $$`.execute(db)

  await sql
    .raw(`
    create function return_risk_figures_sync() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or tg_op = 'UPDATE' then
        delete from return_risk_figures
         where location_id = old.location_id and period_start = old.period_start and return_id = old.id;
      end if;
      if (tg_op = 'INSERT' or tg_op = 'UPDATE') and new.is_current then
        insert into return_risk_figures (${columns.join(', ')})
        values (${expressions('new').join(', ')})
        on conflict (location_id, period_start) do update set
          ${columns
            .slice(2)
            .map((c) => `${c} = excluded.${c}`)
            .join(', ')};
      end if;
      return null;
    end $$`)
    .execute(db)
  await sql`
    create trigger situation_returns_risk_figures
    after insert or update or delete on situation_returns
    for each row execute function return_risk_figures_sync()`.execute(db)

  await sql
    .raw(`
    insert into return_risk_figures (${columns.join(', ')})
    select ${expressions('r').join(', ')} from situation_returns r where r.is_current
    on conflict do nothing`)
    .execute(db)
  await sql`analyze return_risk_figures`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger situation_returns_risk_figures on situation_returns`.execute(db)
  await sql`drop function return_risk_figures_sync()`.execute(db)
  await sql`drop function risk_whole(jsonb, text)`.execute(db)
  await sql`drop table return_risk_figures`.execute(db)
}
