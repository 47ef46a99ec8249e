import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 21, the council's part: welfare checks for people whose home-care visits were cancelled (kept
// apart, minimal and removed after a retention period), each location's business continuity plan,
// people supported by funding, contingency and financial concerns, and protection plans on a case.
export async function up(db: Kysely<any>): Promise<void> {
  // Who may see and work welfare checks: a council admin grants it to named council staff.
  await sql`create table welfare_grants (
    user_id uuid primary key references users(id),
    council_id uuid not null references organisations(id),
    granted_by uuid references users(id),
    granted_at timestamptz not null)`.execute(db)

  // Visits a home-care location cancelled: from its return (one row per return version) or recorded by an officer.
  await sql`create table welfare_cancellations (
    id uuid primary key default gen_random_uuid(),
    council_id uuid not null references organisations(id),
    location_id uuid not null references locations(id),
    source text not null check (source in ('return', 'officer')),
    return_id uuid references situation_returns(id),
    visits_cancelled integer not null check (visits_cancelled > 0),
    cancelled_on date not null,
    recorded_by uuid references users(id),
    recorded_at timestamptz not null)`.execute(db)
  // One row per location and period from returns: an amended return updates it.
  await sql`create unique index welfare_cancellations_return_period_idx on welfare_cancellations (location_id, cancelled_on)
    where source = 'return'`.execute(db)
  await sql`create index welfare_cancellations_council_idx on welfare_cancellations (council_id, recorded_at desc)`.execute(
    db,
  )

  // A person whose visit was cancelled: minimal data only (a reference, initials, area, three flags).
  await sql`create table welfare_people (
    id uuid primary key default gen_random_uuid(),
    cancellation_id uuid not null references welfare_cancellations(id) on delete cascade,
    council_id uuid not null references organisations(id),
    reference text,
    initials text,
    area text,
    lives_alone boolean not null default false,
    needs_medication boolean not null default false,
    no_family_nearby boolean not null default false,
    assigned_to uuid references users(id),
    assigned_at timestamptz,
    contact_by timestamptz,
    outcome text check (outcome in ('safe', 'needs_support', 'referred', 'no_contact')),
    outcome_on date,
    attempts integer not null default 0,
    escalated_at timestamptz,
    finished_at timestamptz,
    personal_data_removed_at timestamptz,
    created_by uuid references users(id),
    created_at timestamptz not null)`.execute(db)
  await sql`create index welfare_people_cancellation_idx on welfare_people (cancellation_id)`.execute(db)
  await sql`create index welfare_people_open_idx on welfare_people (contact_by)
    where escalated_at is null and finished_at is null`.execute(db)

  // Each outcome recorded, with its date: the check's history (notes are removed with the personal data).
  await sql`create table welfare_check_outcomes (
    id uuid primary key default gen_random_uuid(),
    person_id uuid not null references welfare_people(id) on delete cascade,
    outcome text not null check (outcome in ('safe', 'needs_support', 'referred', 'no_contact')),
    outcome_on date not null,
    note text,
    recorded_by uuid references users(id),
    recorded_at timestamptz not null)`.execute(db)
  await sql`create index welfare_check_outcomes_person_idx on welfare_check_outcomes (person_id)`.execute(db)

  // A location's resilience: its continuity plan, the people it supports by funding, who would take over,
  // and any financial concern.
  await sql`create table location_resilience (
    location_id uuid primary key references locations(id),
    plan_reference text,
    plan_reviewed_on date,
    plan_review_due date,
    plan_gaps text not null default '',
    funded_by_council integer check (funded_by_council >= 0),
    funded_by_nhs integer check (funded_by_nhs >= 0),
    self_funded integer check (self_funded >= 0),
    direct_payments integer check (direct_payments >= 0),
    contingency_provider text,
    financial_concern text not null default '',
    updated_by uuid references users(id),
    updated_at timestamptz not null)`.execute(db)

  // A protection plan for a location whose quality is falling, opened from its case.
  await sql`create table protection_plans (
    id uuid primary key default gen_random_uuid(),
    location_id uuid not null references locations(id),
    case_id uuid not null references cases(id),
    status text not null check (status in ('open', 'closed')),
    triggering_indicators text not null,
    measures text not null,
    monitored_by text not null,
    next_review_on date,
    opened_by uuid references users(id),
    opened_at timestamptz not null,
    closed_by uuid references users(id),
    closed_at timestamptz)`.execute(db)
  await sql`create index protection_plans_location_idx on protection_plans (location_id, opened_at desc)`.execute(
    db,
  )
  await sql`create table protection_plan_reviews (
    id uuid primary key default gen_random_uuid(),
    plan_id uuid not null references protection_plans(id) on delete cascade,
    reviewed_on date not null,
    findings text not null,
    next_review_on date,
    closes_plan boolean not null default false,
    recorded_by uuid references users(id),
    recorded_at timestamptz not null)`.execute(db)
  await sql`create index protection_plan_reviews_plan_idx on protection_plan_reviews (plan_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'protection_plan_reviews',
    'protection_plans',
    'location_resilience',
    'welfare_check_outcomes',
    'welfare_people',
    'welfare_cancellations',
    'welfare_grants',
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db)
}
