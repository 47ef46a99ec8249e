import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { everyone } from '../../src/modules/bulletins/index.ts'
import { raiseAlert } from '../../src/modules/early-warning/alert-store.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { fullReturn } from '../support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'
import {
  cqcFileWithFormulas,
  csvDownloads,
  csvType,
  formula,
  leading,
  nilId,
  nilReasonCell,
  runsAsFormula,
  today,
  xlsxType,
  xlsxWithoutLocations,
} from './csv-formula-safety.fixture.ts'

// Issue 15, item 5: text that providers, partners and officers type must never become a live formula in
// the spreadsheets officers download. Every such text field that reaches a download is seeded with a
// value starting with each character a spreadsheet reads as a formula; then every download the app
// offers (found from its own route table, by what each route answers) is fetched as a user who may have
// it and read back: no CSV cell starts with one of those characters unless it is a number, and no XLSX
// cell is a formula.

describe.each(engines)('no formula in any download on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const locations: string[] = []
  const actors: Record<string, Actor> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    const councilName = 'Formulashire County Council'
    ids.council = await createOrganisation(db, 'council', councilName, { onsCode: 'E10000099' })
    for (const [i, c] of leading.entries()) {
      const provider = await createProvider(db, formula(c, 'provider'))
      if (i === 0) {
        ids.provider = provider
        ids.providerOrg = await createOrganisation(db, 'provider', 'Formula Care', { providerId: provider })
      }
      const location = await createLocation(db, provider, ids.council, { name: formula(c, 'location') })
      // What an officer can type on the location's page.
      await db
        .updateTable('locations')
        .set({ area: formula(c, 'area'), addressLine1: formula(c, 'address'), town: formula(c, 'town') })
        .where('id', '=', location)
        .execute()
      locations.push(location)
    }
    for (const [key, org, role] of [
      ['officer', ids.council, 'council_officer'],
      ['admin', ids.council, 'admin'],
      ['manager', ids.providerOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
      actors[key] = (await loadActor(db, user.id))!.actor
    }
    // A published progress report (issue 24), its providers' check already over.
    const started = await t.services.publishing.start(actors.officer!, 'action-plan-progress-report')
    if (!started?.ok) throw new Error('could not start a publication')
    ids.publication = started.value.id
    await db
      .updateTable('publicationVersions')
      .set({ status: 'checking', checkClosesOn: '2020-04-10' })
      .where('publicationId', '=', ids.publication)
      .execute()
    await t.services.publishing.signOff(actors.officer!, ids.publication, '1', true, 'An Officer')
    // The officer's name is shown in the contact log export.
    await db
      .updateTable('users')
      .set({ displayName: formula('=', 'officer') })
      .where('id', '=', ids.officer!)
      .execute()

    for (const [i, c] of leading.entries()) {
      const locationId = locations[i]!
      // A provider's return: the free-text concerns.
      const submitter = i === 0 ? actors.manager! : actors.officer!
      const sent = await t.services.returns.submit(submitter, locationId, {
        ...fullReturn,
        concerns: formula(c, 'concerns'),
      })
      expect(sent.ok, JSON.stringify(sent)).toBe(true)
      if (sent.ok) ids.return = sent.returnId
      // An officer's contact with the home.
      const contact = await t.services.contactLog.create(actors.officer!, locationId, {
        state: 'done',
        method: 'call',
        direction: 'outgoing',
        category: 'ppe',
        contactDay: '14',
        contactMonth: '4',
        contactYear: '2020',
        contactTime: '08:30',
        spokeTo: formula(c, 'spoke to'),
        summary: formula(c, 'summary'),
        actionsAgreed: formula(c, 'actions'),
        followUpDay: '',
        followUpMonth: '',
        followUpYear: '',
        restricted: '',
        alertIds: [],
      })
      expect(contact?.ok, JSON.stringify(contact)).toBe(true)
      if (contact?.ok) ids.contact = contact.value.id
      // An alert whose title and details carry the text, resolved by an officer with a note.
      const raised = await raiseAlert(db, {
        locationId,
        source: 'intelligence',
        alertKey: `intelligence-formula-${i}`,
        severity: 'red',
        title: formula(c, 'alert'),
        message: formula(c, 'details'),
        evidence: {},
        at: t.clock.now(),
      })
      ids.case = raised.caseId
      ids.alert = raised.alertId
      if (i % 2 === 0) {
        const resolved = await t.services.casework.resolveAlertByHand(
          actors.officer!,
          raised.caseId,
          raised.alertId,
          formula(c, 'note'),
        )
        expect(resolved?.ok, JSON.stringify(resolved)).toBe(true)
      }
    }

    // A nil return the day before, whose details carry the text: the returns exports write them after
    // the reason's words, in the one cell.
    const nil = await t.services.nilReturns.submitNil(
      actors.officer!,
      locations[0]!,
      { nilReason: 'other', nilDetails: formula('=', 'nil details'), amendmentReason: 'Told by phone' },
      { periodStart: '2020-04-13' },
    )
    expect(nil.ok, JSON.stringify(nil)).toBe(true)

    // A provider's question: its words are in no download, but its pages are among the routes tried.
    const asked = await t.services.enquiries.ask(actors.manager!, {
      locationId: locations[0]!,
      category: 'ppe',
      question: formula('=', 'question'),
    })
    expect(asked?.ok, JSON.stringify(asked)).toBe(true)
    if (asked?.ok) ids.enquiry = asked.value.id
    // PPE issued to each home, chargeable (no charging rule): the invoice list is a download (issue 20).
    const ppe = t.services.ppeSupply
    const item = await ppe.stock.addItem(actors.officer!, {
      name: 'Gloves',
      unit: 'glove',
      packSize: '100',
      price: '0.05',
    })
    if (!item?.ok) throw new Error('no PPE item')
    const store = await db
      .insertInto('ppeStores')
      .values({ councilId: ids.council, name: 'Central store', createdAt: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await ppe.stock.recordMove(actors.officer!, store.id, 'receipt', {
      itemId: item.value.id,
      quantity: '1000',
      source: 'donation',
    })
    for (const locationId of locations) {
      const sent = await ppe.requests.send(actors.officer!, {
        locationId,
        [`quantity-${item.value.id}`]: '10',
        hasCases: 'no',
        outbreak: 'no',
      })
      if (!sent?.ok) throw new Error(`no PPE request: ${JSON.stringify(sent)}`)
      await ppe.requests.decide(actors.officer!, sent.value.id, {
        decision: 'approve',
        [`approve-${item.value.id}`]: '10',
      })
      await ppe.requests.pick(actors.officer!, sent.value.id, { storeId: store.id })
      expect(await ppe.requests.dispatch(actors.officer!, sent.value.id)).toEqual({ ok: true, value: null })
    }
    ids.audit = (await db.selectFrom('auditEvents').select('id').executeTakeFirstOrThrow()).id

    // A payment run over a package at each location, prepared by a finance officer: its export lists them.
    const finance = await createUser(db, ids.council, 'finance_officer')
    await db
      .insertInto('paymentSchemes')
      .values({
        councilId: ids.council,
        name: 'Uplift',
        kind: 'uplift',
        startsOn: '2020-04-01',
        endsOn: '2020-06-30',
        percentBasisPoints: 1000,
        averageWeeks: null,
        amountPence: null,
        serviceTypes: '[]',
        contractedOnly: false,
        area: 'any',
        funder: 'any',
        createdBy: null,
        createdAt: new Date(),
      })
      .execute()
    for (const [i, locationId] of locations.entries()) {
      const location = await db
        .selectFrom('locations')
        .where('id', '=', locationId)
        .selectAll()
        .executeTakeFirstOrThrow()
      await db
        .insertInto('commissionedPackages')
        .values({
          councilId: ids.council,
          providerId: location.providerId,
          locationId,
          reference: `F-${i}`,
          serviceType: location.serviceType,
          funder: 'council',
          beds: 2,
          weeklyRatePence: 60_000,
          hourlyRatePence: null,
          plannedHoursHundredths: null,
          startsOn: '2020-01-01',
          endsOn: null,
          inArea: true,
          dischargePathway: false,
          createdBy: null,
          createdAt: new Date(),
          updatedAt: new Date(),
        })
        .execute()
    }
    const prepared = await t.services.paymentRuns.prepare((await loadActor(db, finance.id))!.actor, {
      from: '2020-04-01',
      to: '2020-04-07',
    })
    expect(prepared?.ok, JSON.stringify(prepared)).toBe(true)
    if (prepared?.ok) ids.paymentRun = prepared.value.id
    // A survey the provider answers with text: its results export is a download.
    const survey = await t.services.surveys.create(
      actors.officer!,
      {
        title: 'Needs',
        questions: leading.map((_, i) => ({
          key: `q${i + 1}`,
          label: `Question ${i + 1}`,
          type: 'text',
          required: true,
        })),
        opensOn: today,
        closesOn: today,
      },
      everyone,
    )
    ids.survey = survey!.id
    for (const [i, c] of leading.entries()) {
      const answered = await t.services.surveys.answer(
        actors.manager!,
        ids.survey,
        i + 1,
        formula(c, 'survey answer'),
      )
      expect(answered?.ok, JSON.stringify(answered)).toBe(true)
    }
    expect((await t.services.surveys.submit(actors.manager!, ids.survey))?.ok).toBe(true)

    // A CQC file with problem rows, uploaded by the officer: its problems list is a download.
    const client = new TestClient(t.app)
    await client.signIn(emails.officer!)
    await client.get('/imports/new')
    const upload = await client.postMultipart(
      '/imports/new',
      { area: councilName },
      { field: 'file', fileName: 'formulas.csv', content: cqcFileWithFormulas(councilName) },
    )
    expect(upload.statusCode, upload.body.slice(0, 2000)).toBe(302)
    ids.import = upload.headers.location!.split('/').pop()!
  })

  afterAll(async () => {
    await t?.close()
  })

  // A real id for each kind of page, so that routes with an id answer as they would for real.
  const idFor = (route: string, param: string) => {
    if (param === 'alertId') return ids.alert!
    if (param === 'version') return '1'
    const known: [prefix: string, id: string | undefined][] = [
      ['/locations/', locations[0]],
      ['/providers/', ids.provider],
      ['/imports/', ids.import],
      ['/returns/', ids.return],
      ['/cases/', ids.case],
      ['/contact-log/', ids.contact],
      ['/admin/users/', ids.officer],
      ['/admin/organisations/', ids.council],
      ['/admin/audit/', ids.audit],
      ['/enquiries/', ids.enquiry],
      ['/payments/runs/', ids.paymentRun],
      ['/published/', ids.publication],
      ['/publications/', ids.publication],
      ['/surveys/', ids.survey],
    ]
    return known.find(([prefix]) => route.startsWith(prefix))?.[1] ?? nilId
  }

  // Every GET route, asked as each kind of user until one may have it, with the filters the exports need.
  let probed: Promise<Map<string, { type: string; body: Buffer }>> | undefined
  const everyDownload = () => {
    probed ??= probeEveryRoute()
    return probed
  }
  async function probeEveryRoute() {
    const clients = await Promise.all(
      ['officer', 'admin', 'manager'].map(async (who) => {
        const client = new TestClient(t.app)
        await client.signIn(emails[who]!)
        return client
      }),
    )
    const routes = [...new Set(t.app.routeTable.filter((r) => r.method === 'GET').map((r) => r.url))]
    const downloads = new Map<string, { type: string; body: Buffer }>()
    for (const route of routes) {
      if (route.includes('*')) continue // static files
      const url = route.replace(/:(\w+)/g, (_, param: string) => idFor(route, param))
      for (const client of clients) {
        const answer = await client.get(`${url}?from=2020-03-01&to=${today}&figure=expected`)
        const type = String(answer.headers['content-type'] ?? '')
        if (answer.statusCode !== 200) continue
        if (csvType.test(type) || xlsxType.test(type)) downloads.set(route, { type, body: answer.rawPayload })
        break
      }
    }
    return downloads
  }

  it('offers every CSV download in the list, and each is written with no cell a spreadsheet would run', async () => {
    const downloads = await everyDownload()
    const csvRoutes = [...downloads].filter(([, d]) => csvType.test(d.type)).map(([route]) => route)
    // Every route that answers CSV is in the list, every route named .csv answered CSV, and the reverse.
    const namedCsv = t.app.routeTable.filter((r) => r.method === 'GET' && r.url.endsWith('.csv'))
    expect(new Set(csvRoutes)).toEqual(new Set(Object.keys(csvDownloads)))
    expect(new Set(namedCsv.map((r) => r.url))).toEqual(new Set(Object.keys(csvDownloads)))

    for (const route of csvRoutes) {
      const cells = (
        parse(downloads.get(route)!.body, { bom: true, relax_column_count: true }) as string[][]
      ).flat()
      expect(cells.filter(runsAsFormula), route).toEqual([])
      // The seeded text did reach the file, made harmless: each character's formula is there as text.
      const madeHarmless = new Set(cells.filter((c) => c.startsWith("'")).map((c) => c[1]))
      expect([...madeHarmless].sort(), route).toEqual([...csvDownloads[route]!].sort())
      if (route.startsWith('/dashboard/exports/returns')) expect(cells, route).toContain(nilReasonCell)
    }
  })

  it('writes people’s text into every XLSX download as text, never as a formula', async () => {
    const downloads = await everyDownload()
    const xlsxRoutes = [...downloads].filter(([, d]) => xlsxType.test(d.type)).map(([route]) => route)
    const namedXlsx = t.app.routeTable.filter((r) => r.method === 'GET' && r.url.endsWith('.xlsx'))
    expect(new Set(xlsxRoutes)).toEqual(new Set(namedXlsx.map((r) => r.url)))
    for (const route of xlsxRoutes) {
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(downloads.get(route)!.body as unknown as ArrayBuffer)
      const texts: string[] = []
      for (const sheet of workbook.worksheets)
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type, `${route} ${cell.address}`).not.toBe(ExcelJS.ValueType.Formula)
            if (typeof cell.value === 'string') texts.push(cell.value)
          }),
        )
      // Every XLSX download that lists locations has the seeded name, as the provider's text; a survey's
      // has the seeded answer (the grants' spending by measure lists finance's measures, not locations).
      if (route.startsWith('/dashboard/exports/returns')) expect(texts, route).toContain(nilReasonCell)
      if (xlsxWithoutLocations.has(route)) continue
      const seeded = route.startsWith('/surveys/') ? formula('=', 'survey answer') : formula('=', 'location')
      expect(texts, route).toContain(seeded)
    }
  })
})
