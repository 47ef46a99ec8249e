import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// Issue 27, criterion 3: the national dashboard within 1.5 times a council's. Measured on a quiet machine
// (national data, session 18) it was 47 ms p95 against 17 ms, two statements making the difference:
// - its twelve days' totals summed dashboard_daily's rows of every council (about 1,400 a day,
//   17,000 in all: 23 ms a view). The totals of the whole country per day, kind of service and
//   whether contracted are now kept beside them, rebuilt with each day's councils, so a view sums a
//   handful of rows;
// - its area filter's choices read every location to find 70 areas (15 ms a view). An index by area
//   lets them be found one by one.
const measures = [
  'expected',
  'reported',
  'on_time',
  'ppe_red',
  'outbreak',
  'closed_to_admissions',
  'staff_absent',
  'staff_employed',
  'beds_available',
  'vacant_beds',
  'cases_week',
  'deaths_week',
  'figures_earlier',
  'figures_none',
]

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table dashboard_national_daily (
    day date not null,
    service_type text not null,
    contracted_any boolean not null,
    expected bigint not null,
    reported bigint not null,
    on_time bigint not null,
    ppe_red bigint not null,
    outbreak bigint not null,
    closed_to_admissions bigint not null,
    staff_absent bigint not null,
    staff_employed bigint not null,
    beds_available bigint not null,
    vacant_beds bigint not null,
    cases_week bigint not null,
    deaths_week bigint not null,
    figures_earlier bigint not null,
    figures_none bigint not null,
    figures_oldest_days integer not null,
    primary key (day, service_type, contracted_any)
  )`.execute(db)
  await sql
    .raw(`insert into dashboard_national_daily (day, service_type, contracted_any, ${measures.join(', ')}, figures_oldest_days)
      select day, service_type, contracted_any, ${measures.map((m) => `sum(${m})`).join(', ')}, max(figures_oldest_days)
      from dashboard_daily group by 1, 2, 3`)
    .execute(db)
  await sql`create index locations_area_idx on locations (area)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index locations_area_idx`.execute(db)
  await sql`drop table dashboard_national_daily`.execute(db)
}
