import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

describe.each(engines)('the provider directory on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Northmoor Test Council', { onsCode: 'E10000051' })
    ids.other = await createOrganisation(db, 'council', 'Westbridge Test Council', { onsCode: 'E10000052' })
    ids.ipc = await createOrganisation(db, 'infection_control_team', 'IPC Test Team')
    await db.insertInto('partnerCouncils').values({ partnerId: ids.ipc, councilId: ids.council }).execute()
    ids.chain = await createProvider(db, 'Chain Care Ltd')
    ids.single = await createProvider(db, 'Single Home Ltd')
    ids.chainOrg = await createOrganisation(db, 'provider', 'Chain Care Ltd', { providerId: ids.chain })
    // Eight of the chain's homes here (five contracted), two of its agencies over the border (one contracted).
    for (let i = 0; i < 8; i++) {
      ids[`home${i}`] = await createLocation(db, ids.chain, ids.council, {
        name: `Chain Home ${i}`,
        beds: 10 + i,
        contractedBy: i < 5 ? [ids.council] : [],
      })
    }
    ids.border1 = await createLocation(db, ids.chain, ids.other, {
      name: 'Chain Border Agency',
      serviceType: 'home_care',
      contractedBy: [ids.council],
    })
    ids.border2 = await createLocation(db, ids.chain, ids.other, {
      name: 'Chain Far Agency',
      serviceType: 'home_care',
    })
    ids.singleHome = await createLocation(db, ids.single, ids.council, { name: 'Single Home', beds: 40 })
    for (const [key, org, role] of [
      ['officer', ids.council, 'council_officer'],
      ['viewer', ids.council, 'viewer'],
      ['nurse', ids.ipc, 'partner_officer'],
      ['manager', ids.chainOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org!, role)
      emails[key] = user.email
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const names = (html: string) =>
    load(html)('tbody tr td:first-child a')
      .map((_, a) => load(a).text())
      .get()

  it('filters by contract and by in or out of the council’s area, relative to the viewer’s council', async () => {
    const officer = await signedIn('officer')
    expect(names((await officer.get('/locations?contracted=yes')).body).sort()).toEqual([
      'Chain Border Agency',
      'Chain Home 0',
      'Chain Home 1',
      'Chain Home 2',
      'Chain Home 3',
      'Chain Home 4',
    ])
    expect(names((await officer.get('/locations?inArea=out')).body)).toEqual(['Chain Border Agency'])
    expect(
      names((await officer.get('/locations?contracted=no&serviceType=care_home_residential')).body),
    ).toEqual(['Chain Home 5', 'Chain Home 6', 'Chain Home 7', 'Single Home'])
    const sorted = names(
      (await officer.get('/locations?sort=beds&order=desc&serviceType=care_home_residential')).body,
    )
    expect(sorted.slice(0, 2)).toEqual(['Single Home', 'Chain Home 7'])
    // Found by fuzzing (issue 26): a sort named after Object's own properties answered 500; by name.
    const byName = names((await officer.get('/locations?serviceType=care_home_residential')).body)
    for (const sort of ['constructor', '__proto__', 'toString']) {
      const response = await officer.get(`/locations?sort=${sort}&serviceType=care_home_residential`)
      expect(response.statusCode, sort).toBe(200)
      expect(names(response.body), sort).toEqual(byName)
    }
  })

  it('exports the filtered list as CSV and XLSX that open back with the same rows', async () => {
    const officer = await signedIn('officer')
    const csv = await officer.get('/locations/export.csv?contracted=yes')
    expect(csv.headers['content-type']).toContain('text/csv')
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r['Location name']).sort()).toEqual([
      'Chain Border Agency',
      'Chain Home 0',
      'Chain Home 1',
      'Chain Home 2',
      'Chain Home 3',
      'Chain Home 4',
    ])
    expect(rows.every((r) => r.Contracted === 'Yes')).toBe(true)
    expect(rows.find((r) => r['Location name'] === 'Chain Home 3')!['Registered beds']).toBe('13')

    const xlsx = await officer.get('/locations/export.xlsx?inArea=in')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Locations')!
    expect(sheet.getRow(1).getCell(1).value).toBe('CQC location ID')
    expect(sheet.actualRowCount - 1).toBe(9)
  })

  it('shows a provider manager only their own provider’s locations in every list, export and page', async () => {
    const manager = await signedIn('manager')
    const list = names((await manager.get('/locations')).body)
    expect(list).toHaveLength(10)
    expect(list).not.toContain('Single Home')
    const rows = parse((await manager.get('/locations/export.csv')).body, { columns: true }) as Record<
      string,
      string
    >[]
    expect(rows).toHaveLength(10)
    expect(rows.every((r) => r['Provider name'] === 'Chain Care Ltd')).toBe(true)
    expect((await manager.get(`/locations/${ids.singleHome}`)).statusCode).toBe(404)
    expect((await manager.get(`/providers/${ids.single}`)).statusCode).toBe(404)
    const own = await manager.get(`/locations/${ids.border1}`)
    expect(own.statusCode).toBe(200)
    // Named contacts are for council and partner officers only.
    expect(load(own.body)('#contacts').length).toBe(0)
  })

  it('validates a location edit with GOV.UK errors and keeps the change in the audit trail', async () => {
    const officer = await signedIn('officer')
    await officer.get(`/locations/${ids.home0}/edit`)
    const form = {
      name: '',
      serviceType: 'care_home_residential',
      addressLine1: '1 High Street',
      town: 'Testtown',
      postcode: 'NOT A POSTCODE',
      area: 'North',
      registeredBeds: '-3',
      peopleSupported: '',
      contracted: 'yes',
      bcpReviewedOn: '2020-13-45',
      nhsmail: 'yes',
      cqcLocationId: '',
    }
    const bad = await officer.post(`/locations/${ids.home0}/edit`, form)
    expect(bad.statusCode).toBe(400)
    const $ = load(bad.body)
    expect(
      $('.govuk-error-summary a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['#name', '#postcode', '#registeredBeds', '#bcpReviewedOn'])
    const ok = await officer.post(`/locations/${ids.home0}/edit`, {
      ...form,
      name: 'Chain Home Zero',
      postcode: 'nm1 2ab',
      registeredBeds: '12',
      bcpReviewedOn: '2020-04-01',
      contracted: 'no',
    })
    expect(ok.statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('locations')
      .select(['name', 'postcode', 'registeredBeds', 'bcpReviewedOn'])
      .where('id', '=', ids.home0!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      name: 'Chain Home Zero',
      postcode: 'NM1 2AB',
      registeredBeds: 12,
      bcpReviewedOn: '2020-04-01',
    })
    const contract = await t.database.db
      .selectFrom('councilContracts')
      .select('councilId')
      .where('locationId', '=', ids.home0!)
      .execute()
    expect(contract).toEqual([])
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['before', 'after'])
      .where('entityId', '=', ids.home0!)
      .where('action', '=', 'location-updated')
      .executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ name: 'Chain Home 0', registeredBeds: 10, contracted: true })
    expect(audit.after).toMatchObject({ name: 'Chain Home Zero', registeredBeds: 12, contracted: false })
  })

  it('keeps viewers and partners from editing, and shows contacts to partners', async () => {
    const viewer = await signedIn('viewer')
    expect((await viewer.get(`/locations/${ids.home1}/edit`)).statusCode).toBe(404)
    const officer = await signedIn('officer')
    await officer.get(`/locations/${ids.home1}`)
    const empty = await officer.post(`/locations/${ids.home1}/contacts`, {
      contactName: '',
      contactPhone: '',
      contactEmail: '',
    })
    expect(empty.statusCode).toBe(400)
    expect(load(empty.body)('.govuk-error-summary').text()).toContain('Enter the contact’s name')
    expect(
      (
        await officer.post(`/locations/${ids.home1}/contacts`, {
          contactName: 'Rita Manager',
          contactJobTitle: 'Registered manager',
          contactPhone: '01632 960123',
          contactEmail: '',
        })
      ).statusCode,
    ).toBe(302)
    const nurse = await signedIn('nurse')
    const page = await nurse.get(`/locations/${ids.home1}`)
    expect(load(page.body)('#contacts').length).toBe(1)
    expect(page.body).toContain('Rita Manager')
    expect(load(page.body)('a:contains("Change this location")').length).toBe(0)
  })

  it('adds a location an officer knows of, opened today in its status history', async () => {
    const officer = await signedIn('officer')
    await officer.get('/locations/new')
    const empty = await officer.post('/locations/new', {
      name: '',
      providerName: '',
      serviceType: '',
      registeredBeds: '',
      contracted: 'yes',
      inArea: 'in',
    })
    const $ = load(empty.body)
    expect(
      $('.govuk-error-summary a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['#name', '#providerName', '#serviceType'])
    const created = await officer.post('/locations/new', {
      name: 'New Day Centre',
      providerName: 'Community Trust',
      cqcLocationId: '',
      serviceType: 'other',
      addressLine1: '',
      town: '',
      postcode: '',
      area: 'South',
      registeredBeds: '',
      peopleSupported: '25',
      contracted: 'yes',
      inArea: 'in',
      bcpReviewedOn: '',
      nhsmail: '',
    })
    expect(created.statusCode).toBe(302)
    const page = load((await officer.get(created.headers.location!)).body)
    expect(page('h1').text()).toBe('New Day Centre')
    expect(page('table').last().text()).toContain('Open')
  })

  it('lets the provider’s approver invite a colleague from the provider page, and nobody else’s', async () => {
    const db = t.database.db
    const approver = await createUser(db, ids.chainOrg!, 'provider_manager', 'approver@chain.example')
    await db.updateTable('users').set({ isApprover: true }).where('id', '=', approver.id).execute()
    const client = new TestClient(t.app)
    await client.signIn(approver.email)
    const page = load((await client.get(`/providers/${ids.chain}`)).body)
    expect(page('#users').length).toBe(1)
    expect(page('form[action$="/invite"]').length).toBe(1)
    const empty = await client.post(`/providers/${ids.chain}/invite`, { displayName: '', email: '' })
    expect(
      load(empty.body)('.govuk-error-summary a')
        .map((_, a) => load(a).text())
        .get(),
    ).toEqual(['Enter the person’s full name', 'Enter an e-mail address'])
    expect(
      (
        await client.post(`/providers/${ids.chain}/invite`, {
          displayName: 'New Colleague',
          email: 'colleague@chain.example',
        })
      ).statusCode,
    ).toBe(302)
    const invited = await db
      .selectFrom('users')
      .select(['role', 'organisationId', 'isApprover', 'status'])
      .where('email', '=', 'colleague@chain.example')
      .executeTakeFirstOrThrow()
    expect(invited).toEqual({
      role: 'provider_manager',
      organisationId: ids.chainOrg,
      isApprover: false,
      status: 'invited',
    })
    expect(
      load((await client.get(`/providers/${ids.chain}`)).body)('#users')
        .parent()
        .text(),
    ).toContain('New Colleague')
    // A manager who is not the approver sees no invite form and cannot post one.
    const manager = await signedIn('manager')
    expect(load((await manager.get(`/providers/${ids.chain}`)).body)('form[action$="/invite"]').length).toBe(
      0,
    )
    expect(
      (await manager.post(`/providers/${ids.chain}/invite`, { displayName: 'X', email: 'x@chain.example' }))
        .statusCode,
    ).toBe(404)
  })
})
