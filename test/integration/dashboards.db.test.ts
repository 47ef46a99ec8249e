import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.ts'
import type { Actor } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { createDashboardExportService } from '../../src/modules/dashboards/exports.service.ts'
import { raiseAlert } from '../../src/modules/early-warning/alert-store.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../support/factories.ts'
import { fullReturn } from '../support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// A small deterministic market: every headline figure is checked against SQL written here, apart from
// the app's, over the same rows, for a council (computed per location) and a regional viewer (read
// from the daily rollup), with several filter combinations.

const today = '2020-04-14' // the test clock's London date (a Tuesday)

function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

const addDays = (iso: string, n: number) => {
  const d = new Date(`${iso}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

// The figures, as the issue words them, each as its own query over the raw tables.
async function expectedFigures(
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
      from todays t cross join lateral jsonb_each(t.v) x
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
    closedToAdmissions: await one(`select count(*) as n from todays where v->>'closedToAdmissions' = 'true'`),
    staffAbsent:
      await one(`select sum((v->>'staffAbsentCovid')::int + (v->>'staffAbsentOther')::int) as n from todays
      where v->>'staffAbsentCovid' is not null and v->>'staffAbsentOther' is not null and (v->>'staffEmployed')::int > 0`),
    staffEmployed: await one(`select sum((v->>'staffEmployed')::int) as n from todays
      where v->>'staffAbsentCovid' is not null and v->>'staffAbsentOther' is not null and (v->>'staffEmployed')::int > 0`),
    vacantBeds: await one(`select sum((v->>'bedsAvailable')::int - (v->>'bedsOccupied')::int) as n from todays
      where v->>'bedsAvailable' is not null and v->>'bedsOccupied' is not null`),
    closedCareHomesBeds: await one(`select sum((v->>'bedsAvailable')::int) as n from todays
      where v->>'bedsAvailable' is not null and v->>'bedsOccupied' is not null`),
    deaths7d: await one('select n from deaths'),
  }
}

async function expectedRag(db: Db, visible: string, filterSql: string) {
  const { rows } = await sql<{ rag: string; n: string }>`${sql.raw(`
    select coalesce(r.rag, 'green') as rag, count(*) as n
    from locations l join return_templates t using (service_type)
    left join location_risk r on r.location_id = l.id
    where l.status = 'open' and (${visible}) ${filterSql}
    group by 1`)}`.execute(db)
  const get = (rag: string) => Number(rows.find((r) => r.rag === rag)?.n ?? 0)
  return { red: get('red'), amber: get('amber'), green: get('green') }
}

async function expectedOpenAlerts(db: Db, visible: string, filterSql: string) {
  const { rows } = await sql<{ n: string }>`${sql.raw(`
    select count(*) as n from alerts a join locations l on l.id = a.location_id
    join return_templates t on t.service_type = l.service_type
    where a.status = 'open' and l.status = 'open' and (${visible}) ${filterSql}`)}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

describe.each(engines)('situation dashboard on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const actors: Record<string, Actor> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
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
      actors[key] = (await loadActor(db, user.id))!.actor
    }
    // Alerts at three locations, one case owned by the council.
    for (const [i, severity] of [
      [1, 'red'],
      [2, 'amber'],
      [13, 'red'],
    ] as const) {
      await raiseAlert(db, {
        locationId: locations[i]!.id,
        source: 'intelligence',
        alertKey: `test-${i}`,
        severity,
        title: 'Concern',
        message: 'A partner raised a concern',
        evidence: {},
        at: new Date(`${today}T07:00:00Z`),
      })
    }
    await db
      .updateTable('cases')
      .set({ owningOrganisationId: ids.councilA!, status: 'owned' })
      .where('locationId', '=', locations[1]!.id)
      .execute()
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  const councilVisible = (a: string) =>
    `(l.council_id = '${a}' or exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = '${a}'))`

  const combos: { name: string; filter: Record<string, string>; where: (a: string) => string }[] = [
    { name: 'no filters', filter: {}, where: () => '' },
    {
      name: 'care homes without nursing in the North',
      filter: { serviceType: 'care_home_residential', area: 'North' },
      where: () => `and l.service_type = 'care_home_residential' and l.area = 'North'`,
    },
    {
      name: 'contracted, out of area',
      filter: { contracted: 'yes', inArea: 'out' },
      where: (a) =>
        `and exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = '${a}') and l.council_id <> '${a}'`,
    },
    {
      name: 'not contracted, home care',
      filter: { contracted: 'no', serviceType: 'home_care' },
      where: (a) =>
        `and not exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = '${a}') and l.service_type = 'home_care'`,
    },
  ]

  for (const day of [today, addDays(today, -5)]) {
    for (const combo of combos) {
      it(`a council's headline equals direct SQL counts: ${combo.name}, ${day}`, async () => {
        const found = await t.services.dashboards.situation(actors.officerA!, { ...combo.filter, day })
        expect(found?.source).toBe('rollup')
        const h = found!.headline
        const visible = councilVisible(ids.councilA!)
        const want = await expectedFigures(t.database.db, visible, combo.where(ids.councilA!), day)
        expect({
          expected: h.expected,
          reported: h.reported,
          ppeRed: h.ppeRed,
          outbreak: h.outbreak,
          closedToAdmissions: h.closedToAdmissions,
          staffAbsent: h.staffAbsent,
          staffEmployed: h.staffEmployed,
          vacantBeds: h.vacantBeds,
          closedCareHomesBeds: h.bedsAvailable,
          deaths7d: h.deaths7d,
        }).toEqual(want)
        expect(want.expected).toBeGreaterThan(0)
        const rag = await expectedRag(t.database.db, visible, combo.where(ids.councilA!))
        expect({ red: h.rag.red, amber: h.rag.amber, green: h.rag.green }).toEqual(rag)
        expect(h.openAlertsTotal).toBe(
          await expectedOpenAlerts(t.database.db, visible, combo.where(ids.councilA!)),
        )
      })
    }
  }

  for (const combo of combos.slice(0, 2)) {
    it(`a partner serving two councils gets direct SQL counts from the locations: ${combo.name}`, async () => {
      const found = await t.services.dashboards.situation(actors.partnerBoth!, {
        ...combo.filter,
        day: today,
      })
      expect(found?.source).toBe('locations')
      const h = found!.headline
      const visible = `(${councilVisible(ids.councilA!)} or ${councilVisible(ids.councilB!)})`
      const want = await expectedFigures(t.database.db, visible, combo.where(ids.councilA!), today)
      expect({
        expected: h.expected,
        reported: h.reported,
        ppeRed: h.ppeRed,
        outbreak: h.outbreak,
        closedToAdmissions: h.closedToAdmissions,
        staffAbsent: h.staffAbsent,
        staffEmployed: h.staffEmployed,
        vacantBeds: h.vacantBeds,
        closedCareHomesBeds: h.bedsAvailable,
        deaths7d: h.deaths7d,
      }).toEqual(want)
    })
  }

  it('a regional viewer filtering by area is answered from the councils’ rollup, and matches direct SQL', async () => {
    const found = await t.services.dashboards.situation(actors.regional!, { area: 'South', day: today })
    expect(found?.source).toBe('rollup')
    const want = await expectedFigures(t.database.db, 'true', `and l.area = 'South'`, today)
    expect({
      expected: found!.headline.expected,
      reported: found!.headline.reported,
      outbreak: found!.headline.outbreak,
      deaths7d: found!.headline.deaths7d,
    }).toEqual({
      expected: want.expected,
      reported: want.reported,
      outbreak: want.outbreak,
      deaths7d: want.deaths7d,
    })
  })

  // For a regional viewer, "contracted" means by any council and there is no "in area".
  const regionalCombos = [
    { name: 'no filters', filter: {}, where: '' },
    {
      name: 'care homes with nursing',
      filter: { serviceType: 'care_home_nursing' },
      where: `and l.service_type = 'care_home_nursing'`,
    },
    {
      name: 'contracted by any council',
      filter: { contracted: 'yes' },
      where: 'and exists (select 1 from council_contracts c where c.location_id = l.id)',
    },
  ]
  for (const combo of regionalCombos) {
    it(`the regional headline, read from the rollup, equals direct SQL counts: ${combo.name}`, async () => {
      const found = await t.services.dashboards.situation(actors.regional!, { ...combo.filter, day: today })
      expect(found?.source).toBe('rollup')
      const h = found!.headline
      const want = await expectedFigures(t.database.db, 'true', combo.where, today)
      expect({
        expected: h.expected,
        reported: h.reported,
        ppeRed: h.ppeRed,
        outbreak: h.outbreak,
        closedToAdmissions: h.closedToAdmissions,
        staffAbsent: h.staffAbsent,
        staffEmployed: h.staffEmployed,
        vacantBeds: h.vacantBeds,
        closedCareHomesBeds: h.bedsAvailable,
        deaths7d: h.deaths7d,
      }).toEqual(want)
      // Every trend point equals the headline of its own day, computed per location.
      const council = await t.services.dashboards.situation(actors.regional!, {
        ...combo.filter,
        area: '',
        day: today,
      })
      expect(council!.trends.map((tr) => tr.points.length)).toEqual([12, 12, 12, 12, 12, 12])
    })
  }

  it('keeps the rollup current when a return is saved, and the trend matches the per-location figures', async () => {
    const before = (await t.services.dashboards.situation(actors.regional!, { day: today }))!.headline
    // A home that had not reported today sends a return with 1 day of gloves.
    const missing = await sql<{ id: string }>`
      select l.id from locations l where l.service_type = 'care_home_residential' and l.status = 'open'
      and not exists (select 1 from situation_returns r where r.location_id = l.id and r.period_start = ${today})
      limit 1`.execute(t.database.db)
    const locationId = missing.rows[0]?.id
    expect(locationId).toBeTruthy()
    const officer = (await loadActor(t.database.db, ids.officerA!))!.actor
    const councilBefore = (await t.services.dashboards.situation(actors.officerA!, { day: today }))!.headline
    const saved = await t.services.returns.submit(officer, locationId!, { ...fullReturn, ppeDaysGloves: '1' })
    expect(saved.ok).toBe(true)
    const after = (await t.services.dashboards.situation(actors.regional!, { day: today }))!.headline
    expect(after.reported).toBe(before.reported + 1)
    const councilAfter = (await t.services.dashboards.situation(actors.officerA!, { day: today }))!.headline
    const inCouncilA = await sql<{
      n: string
    }>`${sql.raw(`select count(*) as n from locations l where l.id = '${locationId}' and ${councilVisible(ids.councilA!)}`)}`.execute(
      t.database.db,
    )
    expect(councilAfter.reported).toBe(councilBefore.reported + Number(inCouncilA.rows[0]!.n))
    expect(after.ppeRed).toBe(before.ppeRed + 1)
    expect(after).toMatchObject(
      await expectedFigures(t.database.db, 'true', '', today).then((w) => ({
        expected: w.expected,
        reported: w.reported,
        ppeRed: w.ppeRed,
        outbreak: w.outbreak,
        deaths7d: w.deaths7d,
      })),
    )
  })

  it('lists the locations behind a figure, the same number as the figure, and each opens its overview', async () => {
    const client = new TestClient(t.app)
    await client.signIn(emails.officerA!)
    const dashboard = await client.get('/dashboard?serviceType=care_home_residential')
    expect(dashboard.statusCode).toBe(200)
    expect(dashboard.body).toContain('role="img"')
    const found = await t.services.dashboards.situation(actors.officerA!, {
      serviceType: 'care_home_residential',
    })
    for (const [figure, count] of [
      ['ppe-red', found!.headline.ppeRed],
      ['reported', found!.headline.reported],
      ['outbreak', found!.headline.outbreak],
      ['red', found!.headline.rag.red],
    ] as const) {
      const list = await t.services.dashboards.figureLocations(
        actors.officerA!,
        { serviceType: 'care_home_residential' },
        figure,
        1,
        50,
      )
      expect(list!.total, figure).toBe(count)
      const page = await client.get(`/dashboard/locations?figure=${figure}&serviceType=care_home_residential`)
      expect(page.statusCode).toBe(200)
      for (const l of list!.locations) expect(page.body).toContain(`/locations/${l.id}/overview`)
    }
    const overview = await client.get(`/locations/${ids.first}/overview`)
    expect(overview.statusCode).toBe(200)
    expect(overview.body).toContain('Latest return')
    expect(overview.body).toContain('Alert history')
  })

  it('refuses a date in the future with a message, and shows today instead', async () => {
    const client = new TestClient(t.app)
    await client.signIn(emails.officerA!)
    const page = await client.get('/dashboard?date=2031-01-01')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('The date must be today or in the past')
    expect(page.body).toContain('govuk-error-summary')
    const bad = await client.get('/dashboard?date=2020-02-30')
    expect(bad.body).toContain('Enter a real date')
  })

  it('exports returns for a date range as CSV and XLSX that open with the right row count', async () => {
    const client = new TestClient(t.app)
    await client.signIn(emails.officerA!)
    const from = addDays(today, -10)
    const { rows } = await sql<{ n: string }>`${sql.raw(`
      select count(*) as n from situation_returns r join locations l on l.id = r.location_id
      where r.is_current and r.period_start between '${from}' and '${today}' and ${councilVisible(ids.councilA!)}`)}`.execute(
      t.database.db,
    )
    const want = Number(rows[0]!.n)
    expect(want).toBeGreaterThan(50)
    const csv = await client.get(`/dashboard/exports/returns.csv?from=${from}&to=${today}`)
    expect(csv.statusCode).toBe(200)
    const records = parse(csv.body, { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(want)
    expect(Object.keys(records[0]!)).toContain('Days of gloves in stock')
    const xlsx = await client.get(`/dashboard/exports/returns.xlsx?from=${from}&to=${today}`)
    expect(xlsx.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets[0]!.actualRowCount).toBe(want + 1)
    // The directory with current status: one row per visible location, with the same filters.
    const dir = await client.get('/dashboard/exports/directory.csv?serviceType=home_care')
    const dirRows = parse(dir.body, { columns: true }) as Record<string, string>[]
    const { rows: homeCare } = await sql<{ n: string }>`${sql.raw(`
      select count(*) as n from locations l where l.service_type = 'home_care' and ${councilVisible(ids.councilA!)}`)}`.execute(
      t.database.db,
    )
    expect(dirRows).toHaveLength(Number(homeCare[0]!.n))
    const bad = await client.get(`/dashboard/exports/returns.csv?from=${today}&to=${from}`)
    expect(bad.statusCode).toBe(302)
    expect(decodeURIComponent((bad.headers.location as string).replace(/\+/g, ' '))).toContain(
      'The first date must be on or before the last date',
    )
  })

  it('pages through an export in keyset batches without losing or repeating a row', async () => {
    const from = addDays(today, -20)
    const small = createDashboardExportService({ db: t.database.db, batchSize: 7 })
    const seen: string[] = []
    let batches = 0
    for await (const batch of small.returns(actors.regional!, { from, to: today })) {
      batches++
      expect(batch.length).toBeLessThanOrEqual(7)
      for (const r of batch) seen.push(`${r.location_id}/${r.period_start}`)
    }
    const { rows } = await sql<{ key: string }>`
      select location_id || '/' || period_start::text as key from situation_returns
      where is_current and period_start between ${from} and ${today}`.execute(t.database.db)
    expect(batches).toBeGreaterThan(10)
    expect(new Set(seen).size).toBe(seen.length)
    expect([...seen].sort()).toEqual(rows.map((r) => r.key).sort())
    const locations: string[] = []
    for await (const batch of small.directory(actors.regional!, {})) locations.push(...batch.map((l) => l.id))
    const count = await t.database.db
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(new Set(locations).size).toBe(Number(count.n))
    expect(locations).toHaveLength(Number(count.n))
  })

  it('shows a provider manager their own location with the area average, and no dashboard', async () => {
    const client = new TestClient(t.app)
    await client.signIn(emails.manager!)
    expect((await client.get('/dashboard')).statusCode).toBe(403)
    const own = await client.get(`/locations/${ids.first}/overview`)
    expect(own.statusCode).toBe(200)
    expect(own.body).toContain('How you compare with your area')
    expect(own.body).not.toContain('Elm Care')
    expect(own.body).not.toContain('Contact log')
  })
})
