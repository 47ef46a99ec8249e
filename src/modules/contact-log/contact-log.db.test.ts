import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { setUpContactLog, valid } from './contact-log.test-fixture.ts'

describe.each(engines)('the contact log on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpContactLog(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const counts = async () => {
    const db = t.database.db
    const [contacts, links, audits] = await Promise.all([
      db
        .selectFrom('contactLogEntries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('contactLogAlerts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('auditEvents')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('entityType', '=', 'contact-log-entry')
        .executeTakeFirstOrThrow(),
    ])
    return { contacts: Number(contacts.n), links: Number(links.n), audits: Number(audits.n) }
  }
  const record = async (client: TestClient, form: Record<string, string>) => {
    await client.get(`/locations/${ids.location}/contact-log/new`)
    return client.post(`/locations/${ids.location}/contact-log/new`, form)
  }

  it('records a call with its linked alert, audited, and every officer then sees who called and what was agreed', async () => {
    const officer = await signedIn('officer')
    const form = await officer.get(`/locations/${ids.location}/contact-log/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('PPE under 3 days')
    const before = await counts()
    const saved = await record(officer, { ...valid, alertIds: ids.alert! })
    expect(saved.statusCode).toBe(302)
    expect(saved.headers.location).toBe(`/locations/${ids.location}?contactLogged=1`)
    expect(await counts()).toEqual({
      contacts: before.contacts + 1,
      links: before.links + 1,
      audits: before.audits + 1,
    })
    const row = await t.database.db
      .selectFrom('contactLogEntries')
      .selectAll()
      .where('summary', '=', valid.summary)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      organisationId: ids.council,
      officerUserId: ids.officer,
      state: 'done',
      followUpOn: '2020-04-14',
      restricted: false,
    })
    expect(row.contactAt.toISOString()).toBe('2020-04-14T07:30:00.000Z')
    ids.call = row.id

    const partner = await signedIn('partner')
    const page = await partner.get(`/locations/${ids.location}`)
    const banner = load(page.body)('#contact-banner').text().replace(/\s+/g, ' ')
    expect(banner).toContain('Contacted today by Northmoor Contact Council (Test council_officer)')
    expect(banner).toContain('Emergency gloves from the LRF store today')
    const list = await partner.get('/locations')
    expect(list.body).toContain('Contacted today by Northmoor Contact Council')
    const provider = await partner.get(`/providers/${ids.provider}`)
    expect(provider.body).toContain('Contacted today by Northmoor Contact Council')
    const contact = await partner.get(`/contact-log/${ids.call}`)
    expect(contact.statusCode).toBe(200)
    expect(contact.body).toContain('PPE under 3 days')
  })

  it('refuses a bad contact with a message per field and saves nothing', async () => {
    const officer = await signedIn('officer')
    const before = await counts()
    const refused = await record(officer, {
      ...valid,
      'contactDate-day': '16',
      summary: '  ',
      contactTime: '9 o’clock',
      'followUpDate-day': '31',
      'followUpDate-month': '2',
      alertIds: '00000000-0000-4000-8000-000000000000',
    })
    expect(refused.statusCode).toBe(400)
    const $ = load(refused.body)
    expect(
      $('.govuk-error-summary a')
        .map((_, a) => $(a).text().trim())
        .get(),
    ).toEqual([
      'A contact that has happened must be dated today or in the past',
      'Enter the time as hours and minutes, for example 14:30',
      'Enter a summary of the contact',
      'Follow-up date must be a real date, for example 2 4 2020',
      'Select only alerts that are still open for this location',
    ])
    expect($('#contactTime').val()).toBe('9 o’clock')
    // Each error links to its field; a date's to its day box.
    const hrefs = $('.govuk-error-summary a')
      .map((_, a) => $(a).attr('href'))
      .get()
    expect(hrefs).toEqual(['#contactDate-day', '#contactTime', '#summary', '#followUpDate-day', '#alertIds'])
    for (const href of hrefs) expect($(href).length, href).toBe(1)
    expect(await counts()).toEqual(before)
    // Without the CSRF token: refused, nothing saved.
    const forged = await officer.post(`/locations/${ids.location}/contact-log/new`, valid, { csrf: false })
    expect(forged.statusCode).toBe(403)
    expect(await counts()).toEqual(before)
  })

  it('hides a restricted contact from partner officers and providers, by URL and in every list', async () => {
    const officer = await signedIn('officer')
    const saved = await record(officer, {
      ...valid,
      category: 'safeguarding',
      summary: 'Council-only safeguarding note',
      restricted: 'yes',
      'followUpDate-day': '',
      'followUpDate-month': '',
      'followUpDate-year': '',
    })
    expect(saved.statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('contactLogEntries')
      .select(['id', 'restricted'])
      .where('summary', '=', 'Council-only safeguarding note')
      .executeTakeFirstOrThrow()
    expect(row.restricted).toBe(true)
    ids.restricted = row.id

    const partner = await signedIn('partner')
    const byUrl = await partner.get(`/contact-log/${row.id}`)
    expect(byUrl.statusCode).toBe(404)
    expect(byUrl.body).not.toContain('Council-only safeguarding note')
    for (const url of [
      `/locations/${ids.location}`,
      `/locations/${ids.location}/contact-log`,
      '/locations',
    ]) {
      const page = await partner.get(url)
      expect(page.statusCode, url).toBe(200)
      expect(page.body, url).not.toContain('Council-only safeguarding note')
    }
    expect((await partner.get(`/contact-log/${row.id}/edit`)).statusCode).toBe(404)

    // A provider never sees the contact log, restricted or not.
    const manager = await signedIn('manager')
    for (const url of [
      `/contact-log/${row.id}`,
      `/contact-log/${ids.call}`,
      `/locations/${ids.location}/contact-log`,
      `/locations/${ids.location}/contact-log/new`,
      '/contact-log/follow-ups',
    ]) {
      const page = await manager.get(url)
      expect(page.statusCode, url).toBe(404)
      expect(page.body).not.toContain('Council-only safeguarding note')
      expect(page.body).not.toContain(valid.summary)
    }
    const ownProvider = await manager.get(`/providers/${ids.provider}`)
    expect(ownProvider.statusCode).toBe(200)
    expect(ownProvider.body).not.toContain('Last contact')
    expect(ownProvider.body).not.toContain('Contacted today')
    const own = await manager.get(`/locations/${ids.location}`)
    expect(own.statusCode).toBe(200)
    expect(own.body).not.toContain('contact-banner')
    expect(own.body).not.toContain(valid.summary)

    // A council's officers see it; its read-only viewer (the board) does not: officers' notes are not
    // for read-only roles (the README's "What each role sees").
    const colleague = await signedIn('officer2')
    expect((await colleague.get(`/contact-log/${row.id}`)).statusCode).toBe(200)
    expect((await colleague.get(`/locations/${ids.location}/contact-log`)).body).toContain(
      'Council-only safeguarding note',
    )
    const viewer = await signedIn('viewer')
    expect((await viewer.get(`/contact-log/${row.id}`)).statusCode).toBe(404)
    expect((await viewer.get(`/locations/${ids.location}/contact-log`)).statusCode).toBe(404)
    expect((await viewer.get(`/locations/${ids.location}`)).body).not.toContain(valid.summary)
    // Another council's officer does not see this location's log at all.
    const other = await signedIn('otherOfficer')
    expect((await other.get(`/contact-log/${ids.call}`)).statusCode).toBe(404)
    expect((await other.get(`/locations/${ids.location}/contact-log`)).statusCode).toBe(404)
  })

  it('gives the same answers through the service that other pages use', async () => {
    const { contactLog } = t.services
    const actorOfKey = (key: string) => actorFor(t.database.db, ids[key]!)
    const partner = await actorOfKey('partner')
    const officer = await actorOfKey('officer')
    const manager = await actorOfKey('manager')
    const partnerList = (await contactLog.listForLocation(partner, ids.location!))!
    const officerList = (await contactLog.listForLocation(officer, ids.location!))!
    expect(officerList.map((c) => c.id)).toContain(ids.restricted)
    expect(partnerList.map((c) => c.id)).not.toContain(ids.restricted)
    expect(partnerList.map((c) => c.id)).toContain(ids.call)
    expect(await contactLog.listForLocation(manager, ids.location!)).toBeNull()
    expect(await contactLog.recentForLocation(manager, ids.location!)).toBeNull()
    const banners = await contactLog.recentForLocations(partner, [ids.location!, ids.otherLocation!])
    expect(banners.get(ids.location!)!.recent.map((c) => c.id)).toEqual([ids.call])
    expect(banners.has(ids.otherLocation!)).toBe(false)
    expect(
      (await contactLog.recentForLocations(officer, [ids.location!])).get(ids.location!)!.recent,
    ).toHaveLength(2)
  })

  it('exports the contact log as CSV and Excel with the same visibility as the screens', async () => {
    const csvRows = async (key: string) => {
      const client = await signedIn(key)
      const res = await client.get('/dashboard/exports/contacts.csv?from=2020-04-01&to=2020-04-14')
      expect(res.statusCode, key).toBe(200)
      expect(res.headers['content-type']).toMatch(/text\/csv/)
      return parse(res.body, { columns: true }) as Record<string, string>[]
    }
    const counted = async (restricted: boolean | null) =>
      Number(
        (
          await t.database.db
            .selectFrom('contactLogEntries')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('locationId', '=', ids.location!)
            .$if(restricted === false, (q) => q.where('restricted', '=', false))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const officerRows = await csvRows('officer')
    expect(officerRows).toHaveLength(await counted(null))
    expect(officerRows.map((r) => r.Summary)).toContain('Council-only safeguarding note')
    expect(officerRows.find((r) => r.Summary === valid.summary)).toMatchObject({
      'Location name': 'Alder House',
      How: expect.stringMatching(/call/i),
      'Actions agreed': valid.actionsAgreed,
      'Council only': 'No',
    })
    const partnerRows = await csvRows('partner')
    expect(partnerRows).toHaveLength(await counted(false))
    expect(partnerRows.map((r) => r.Summary)).not.toContain('Council-only safeguarding note')
    // Another council's officer sees none of this council's contacts.
    expect(await csvRows('otherOfficer')).toHaveLength(0)
    // A provider has no dashboard exports at all.
    const manager = await signedIn('manager')
    expect(
      (await manager.get('/dashboard/exports/contacts.csv?from=2020-04-01&to=2020-04-14')).statusCode,
    ).toBe(403)

    const officer = await signedIn('officer')
    const xlsx = await officer.get('/dashboard/exports/contacts.xlsx?from=2020-04-01&to=2020-04-14')
    expect(xlsx.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets[0]!.actualRowCount - 1).toBe(officerRows.length)
  })

  it('shows a planned call to partners, and keeps the plan in the history when the outcome is recorded', async () => {
    const officer = await signedIn('officer')
    const planned = await record(officer, {
      ...valid,
      state: 'planned',
      'contactDate-day': '16',
      contactTime: '10:00',
      summary: 'Check the gloves delivery arrived',
      actionsAgreed: '',
      'followUpDate-day': '',
      'followUpDate-month': '',
      'followUpDate-year': '',
    })
    expect(planned.statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('contactLogEntries')
      .select('id')
      .where('summary', '=', 'Check the gloves delivery arrived')
      .executeTakeFirstOrThrow()
    const partner = await signedIn('partner')
    const banner = load((await partner.get(`/locations/${ids.location}`)).body)('#contact-banner')
      .text()
      .replace(/\s+/g, ' ')
    expect(banner).toMatch(/Call planned on 16 April 2020 by Northmoor Contact Council/)
    // The partner may read it but not change it.
    expect((await partner.get(`/contact-log/${row.id}/edit`)).statusCode).toBe(404)
    expect((await partner.post(`/contact-log/${row.id}/edit`, { ...valid })).statusCode).toBe(404)

    // Two days later a colleague in the same council records the outcome.
    t.clock.set(new Date('2020-04-16T10:00:00Z'))
    try {
      const colleague = await signedIn('officer2')
      const edit = await colleague.get(`/contact-log/${row.id}/edit`)
      expect(edit.statusCode).toBe(200)
      expect(load(edit.body)('#summary').text()).toBe('Check the gloves delivery arrived')
      const bad = await colleague.post(`/contact-log/${row.id}/edit`, {
        ...valid,
        state: 'nonsense',
        'contactDate-day': '16',
      })
      expect(bad.statusCode).toBe(400)
      const changed = await colleague.post(`/contact-log/${row.id}/edit`, {
        ...valid,
        'contactDate-day': '16',
        'followUpDate-day': '',
        'followUpDate-month': '',
        'followUpDate-year': '',
        summary: 'Gloves arrived; stock now 10 days',
        actionsAgreed: 'None needed',
      })
      expect(changed.statusCode).toBe(302)
      const after = await t.database.db
        .selectFrom('contactLogEntries')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow()
      expect(after).toMatchObject({
        state: 'done',
        summary: 'Gloves arrived; stock now 10 days',
        officerUserId: ids.officer,
      })
      const audit = await t.database.db
        .selectFrom('auditEvents')
        .select(['action', 'before', 'after', 'actorUserId'])
        .where('entityId', '=', row.id)
        .orderBy('id')
        .execute()
      expect(audit.map((a) => a.action)).toEqual(['contact-logged', 'contact-changed'])
      expect(audit[1]!.actorUserId).toBe(ids.officer2)
      expect(audit[1]!.before).toMatchObject({
        state: 'planned',
        summary: 'Check the gloves delivery arrived',
      })
      expect(audit[1]!.after).toMatchObject({ state: 'done', summary: 'Gloves arrived; stock now 10 days' })
      const page = await colleague.get(`/contact-log/${row.id}`)
      expect(page.body).toContain('Gloves arrived; stock now 10 days')
      expect(page.body).toContain('Check the gloves delivery arrived')
    } finally {
      t.clock.set(new Date('2020-04-14T08:00:00Z'))
    }
  })

  it('lists follow-ups due for the recording organisation until marked done', async () => {
    const officer = await actorFor(t.database.db, ids.officer!)
    const partner = await actorFor(t.database.db, ids.partner!)
    const due = await t.services.contactLog.followUpsDue(officer)
    expect(due.map((d) => d.id)).toEqual([ids.call])
    expect(due[0]!.mine).toBe(true)
    expect(await t.services.contactLog.followUpsDue(partner)).toEqual([])
    const client = await signedIn('officer')
    const page = await client.get('/contact-log/follow-ups')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(valid.summary)
    const done = await client.post(`/contact-log/${ids.call}/follow-up-done`, { returnTo: 'follow-ups' })
    expect(done.statusCode).toBe(302)
    expect(await t.services.contactLog.followUpsDue(officer)).toEqual([])
    expect((await client.get('/contact-log/follow-ups')).body).toContain('No follow-ups are due')
    // Another organisation cannot mark it.
    const partnerClient = await signedIn('partner')
    await partnerClient.get('/')
    expect((await partnerClient.post(`/contact-log/${ids.call}/follow-up-done`, {})).statusCode).toBe(404)
  })
})
