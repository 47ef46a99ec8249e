import { sql } from 'kysely'
import { actorFor } from '../../../test/support/actors.ts'
import { createAlert } from '../../../test/support/alerts.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'
import type { Db } from '../../db/database.ts'
import type { Actor } from '../../domain/policy.ts'

// A small deterministic market: every headline figure is checked against SQL written here, apart from
// the app's, over the same rows, for a council (computed per location) and a regional viewer (read
// from the daily rollup), with several filter combinations.

export const today = '2020-04-14' // the test clock's London date (a Tuesday)

function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

export const addDays = (iso: string, n: number) => {
  const d = new Date(`${iso}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

// The figures, as the issue words them, each as its own query over the raw tables.
export async function expectedFigures(
  db: Db,
  visible: string,
  filterSql: string,
  day: string,
): Promise<Record<string, number>> {
  // Locations in view with the period start for the day and whether they were open on it.
  const base = `
    with candidates as (
      select l.id, l.service_type, t.frequency,
        case when t.frequency = 'weekly' then (date '${day}' - ((extract(isodow from date '${day}')::int) - 1))
             else date '${day}' end as period_start,
        case when t.frequency = 'weekly' then 6 else 0 end as overlap
      from locations l join return_templates t using (service_type)
      where (${visible}) ${filterSql}
    ),
    status_on as (
      select distinct on (c.id) c.id, e.status
      from candidates c join location_status_events e on e.location_id = c.id and e.effective_from <= c.period_start
      order by c.id, e.effective_from desc, e.id desc
    ),
    expected as (select c.* from candidates c join status_on s on s.id = c.id where s.status = 'open'),
    todays as (
      select e.id, e.service_type, r.timing, r.values v
      from expected e join situation_returns r on r.location_id = e.id and r.period_start = e.period_start and r.is_current
    ),
    -- State figures: each location's latest current return whose period began in the window to the day.
    latest as (
      select distinct on (e.id) e.id, e.service_type, r.values v, r.period_start, e.period_start as own_start
      from expected e join situation_returns r on r.location_id = e.id and r.is_current
        and r.period_start <= date '${day}'
        and r.period_start > date '${day}' - (case e.frequency when 'weekly' then 10 when 'monthly' then 35 else 3 end)
      order by e.id, r.period_start desc
    ),
    windows as (
      select e.id,
        sum(coalesce((r.values->>'confirmedCasesResidents')::int, 0) + coalesce((r.values->>'confirmedCasesStaff')::int, 0)) as confirmed,
        sum(coalesce((r.values->>'suspectedCasesResidents')::int, 0) + coalesce((r.values->>'suspectedCasesStaff')::int, 0)) as suspected
      from expected e join situation_returns r on r.location_id = e.id and r.is_current
        and r.period_start between date '${day}' - 13 - e.overlap and date '${day}'
      group by e.id
    ),
    deaths as (
      select sum(coalesce((r.values->>'covidDeathsResidents')::int, 0) + coalesce((r.values->>'otherDeathsResidents')::int, 0) + coalesce((r.values->>'covidDeathsStaff')::int, 0)) as n
      from expected e join situation_returns r on r.location_id = e.id and r.is_current
        and r.period_start between date '${day}' - 6 - e.overlap and date '${day}'
    ),
    ppe as (
      select t.id, min(x.value::text::int) as lowest
      from latest t cross join lateral jsonb_each(t.v) x
      where x.key like 'ppeDays%' and jsonb_typeof(x.value) = 'number'
      group by t.id
    )`
  const one = async (select: string) => {
    const { rows } = await sql<{ n: string | null }>`${sql.raw(`${base} ${select}`)}`.execute(db)
    return Number(rows[0]?.n ?? 0)
  }
  return {
    expected: await one('select count(*) as n from expected'),
    reported: await one('select count(*) as n from todays'),
    ppeRed: await one('select count(*) as n from ppe where lowest < 3'),
    outbreak: await one('select count(*) as n from windows where confirmed > 0 or suspected >= 2'),
    closedToAdmissions: await one(`select count(*) as n from latest where v->>'closedToAdmissions' = 'true'`),
    staffAbsent:
      await one(`select sum((v->>'staffAbsentCovid')::int + (v->>'staffAbsentOther')::int) as n from latest
      where v->>'staffAbsentCovid' is not null and v->>'staffAbsentOther' is not null and (v->>'staffEmployed')::int > 0`),
    staffEmployed: await one(`select sum((v->>'staffEmployed')::int) as n from latest
      where v->>'staffAbsentCovid' is not null and v->>'staffAbsentOther' is not null and (v->>'staffEmployed')::int > 0`),
    vacantBeds: await one(`select sum((v->>'bedsAvailable')::int - (v->>'bedsOccupied')::int) as n from latest
      where v->>'bedsAvailable' is not null and v->>'bedsOccupied' is not null`),
    closedCareHomesBeds: await one(`select sum((v->>'bedsAvailable')::int) as n from latest
      where v->>'bedsAvailable' is not null and v->>'bedsOccupied' is not null`),
    deaths7d: await one('select n from deaths'),
    figuresEarlier: await one('select count(*) as n from latest where period_start < own_start'),
    figuresOldestDays: await one(
      `select max(date '${day}' - period_start) as n from latest where period_start < own_start`,
    ),
    figuresNone: await one('select count(*) as n from expected e where not exists (select 1 from latest x where x.id = e.id)'),
  }
}

export async function expectedRag(db: Db, visible: string, filterSql: string) {
  const { rows } = await sql<{ rag: string; n: string }>`${sql.raw(`
    select coalesce(r.rag, 'green') as rag, count(*) as n
    from locations l join return_templates t using (service_type)
    left join location_risk r on r.location_id = l.id
    where l.status = 'open' and (${visible}) ${filterSql}
    group by 1`)}`.execute(db)
  const get = (rag: string) => Number(rows.find((r) => r.rag === rag)?.n ?? 0)
  return { red: get('red'), amber: get('amber'), green: get('green') }
}

export async function expectedOpenAlerts(db: Db, visible: string, filterSql: string) {
  const { rows } = await sql<{ n: string }>`${sql.raw(`
    select count(*) as n from alerts a join locations l on l.id = a.location_id
    join return_templates t on t.service_type = l.service_type
    where a.status = 'open' and l.status = 'open' and (${visible}) ${filterSql}`)}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

// Builds the market in a fresh app and database: two councils, a region, a partner of one council and
// one of both, two providers with 16 locations, 30 days of returns, a user of each kind and three
// alerts. Fills in the ids, e-mail addresses and actors by name.
export async function setUpMarket(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
  actors: Record<string, Actor>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.councilA = await createOrganisation(db, 'council', 'Council A', { onsCode: 'E10000001' })
  ids.councilB = await createOrganisation(db, 'council', 'Council B', { onsCode: 'E10000002' })
  ids.region = await createOrganisation(db, 'region', 'Region')
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'CCG A')
  await linkPartner(db, ids.ccg, ids.councilA)
  // A partner serving both councils: their markets overlap, so its figures come from the locations.
  ids.ccgBoth = await createOrganisation(db, 'nhs_commissioner', 'CCG Both')
  await linkPartner(db, ids.ccgBoth, ids.councilA)
  await linkPartner(db, ids.ccgBoth, ids.councilB)
  const providers = [await createProvider(db, 'Oak Care'), await createProvider(db, 'Elm Care')]
  ids.providerOrg = await createOrganisation(db, 'provider', 'Oak Care', { providerId: providers[0] })
  const rand = random(42)
  const locations: { id: string; council: string; type: string }[] = []
  const types = ['care_home_residential', 'care_home_nursing', 'home_care', 'supported_living'] as const
  for (let i = 0; i < 16; i++) {
    const council = i < 12 ? ids.councilA! : ids.councilB!
    const type = types[i % types.length]!
    const id = await createLocation(db, providers[i % 2]!, council, {
      serviceType: type,
      name: `Home ${String(i).padStart(2, '0')}`,
      contractedBy: i % 3 === 0 ? [ids.councilA!] : [],
    })
    await db
      .updateTable('locations')
      .set({ area: i % 2 ? 'South' : 'North' })
      .where('id', '=', id)
      .execute()
    locations.push({ id, council, type })
  }
  ids.first = locations[0]!.id
  ids.providerOak = providers[0]!
  // One home closed a week ago: expected before, not after. One opened three days ago.
  await db
    .insertInto('locationStatusEvents')
    .values({
      locationId: locations[4]!.id,
      status: 'closed',
      effectiveFrom: addDays(today, -7),
      source: 'test',
      importId: null,
      recordedBy: null,
    })
    .execute()
  await db.updateTable('locations').set({ status: 'closed' }).where('id', '=', locations[4]!.id).execute()
  await db.deleteFrom('locationStatusEvents').where('locationId', '=', locations[8]!.id).execute()
  await db
    .insertInto('locationStatusEvents')
    .values({
      locationId: locations[8]!.id,
      status: 'open',
      effectiveFrom: addDays(today, -3),
      source: 'test',
      importId: null,
      recordedBy: null,
    })
    .execute()

  // Returns for 30 days, loaded straight into the table as a bulk load would: some missing, some
  // with cases, deaths, low PPE, absence and closed homes; weekly services on Mondays.
  const rows = []
  for (const l of locations) {
    for (let d = -30; d <= 0; d++) {
      const day = addDays(today, d)
      const weekly = l.type === 'home_care'
      if (weekly && new Date(`${day}T12:00:00Z`).getUTCDay() !== 1) continue
      if (rand() < 0.2) continue
      const values: Record<string, number | boolean | null | string[]> = {
        ppeDaysGloves: Math.floor(rand() * 12),
        ppeDaysAprons: rand() < 0.1 ? null : Math.floor(rand() * 20) + 1,
        ppeDaysTypeIirMasks: Math.floor(rand() * 15) + 1,
        confirmedCasesResidents: rand() < 0.1 ? 1 : 0,
        suspectedCasesResidents: rand() < 0.15 ? Math.floor(rand() * 3) : 0,
        confirmedCasesStaff: 0,
        suspectedCasesStaff: rand() < 0.05 ? 1 : null,
        covidDeathsResidents: 0,
        otherDeathsResidents: rand() < 0.08 ? 1 : 0,
        covidDeathsStaff: 0,
        staffEmployed: 20 + Math.floor(rand() * 40),
        staffAbsentCovid: Math.floor(rand() * 5),
        staffAbsentOther: rand() < 0.1 ? null : Math.floor(rand() * 3),
        helpRequested: [],
      }
      if (l.type.startsWith('care_home')) {
        const available = 20 + Math.floor(rand() * 20)
        values.bedsAvailable = available
        values.bedsOccupied = available - Math.floor(rand() * 5)
        values.closedToAdmissions = rand() < 0.2
      }
      rows.push({
        locationId: l.id,
        frequency: weekly ? 'weekly' : 'daily',
        periodStart: day,
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: JSON.stringify(values),
        nilReturn: false,
        nothingChanged: false,
        source: 'upload' as const,
        timing: rand() < 0.8 ? 'on-time' : 'late',
        submittedBy: null,
        submittedAt: new Date(`${day}T09:00:00Z`),
        amendmentReason: null,
      })
    }
  }
  await db.insertInto('situationReturns').values(rows).execute()

  for (const [key, org, role] of [
    ['officerA', ids.councilA, 'council_officer'],
    ['regional', ids.region, 'regional_viewer'],
    ['partner', ids.ccg, 'partner_officer'],
    ['partnerBoth', ids.ccgBoth, 'partner_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
    actors[key] = await actorFor(db, user.id)
  }
  // Alerts at three locations, one case owned by the council.
  for (const [i, severity] of [
    [1, 'red'],
    [2, 'amber'],
    [13, 'red'],
  ] as const) {
    await createAlert(db, {
      locationId: locations[i]!.id,
      key: `test-${i}`,
      severity,
      title: 'Concern',
      message: 'A partner raised a concern',
      at: new Date(`${today}T07:00:00Z`),
    })
  }
  await db
    .updateTable('cases')
    .set({ owningOrganisationId: ids.councilA!, status: 'owned' })
    .where('locationId', '=', locations[1]!.id)
    .execute()
  return t
}
