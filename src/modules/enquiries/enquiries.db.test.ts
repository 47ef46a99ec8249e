import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor as loadActorOf } from '../../../test/support/actors.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { setUpEnquiries } from './enquiries.test-fixture.ts'

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
describe.each(engines)('enquiries and the FAQ on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await setUpEnquiries(engine, ids, emails)
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const count = async (table: 'enquiries' | 'enquiryEvents' | 'faqEntries' | 'outboxMessages') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const actorFor = (key: string) => loadActorOf(t.database.db, ids[key]!)

  it('lets a provider manager ask a question from the home page, due in 2 working days', async () => {
    const manager = await signedIn('manager')
    const home = await manager.get('/')
    expect(home.body).toContain('/enquiries/new')
    expect(home.body).toContain('Search the frequently asked questions')
    const form = await manager.get('/enquiries/new')
    expect(form.statusCode).toBe(200)
    const before = await count('enquiries')
    const bad = await manager.post('/enquiries/new', {
      locationId: ids.otherLocation!,
      category: 'x',
      question: ' ',
    })
    expect(bad.statusCode).toBe(400)
    const $ = load(bad.body)
    expect(
      $('.govuk-error-summary a')
        .map((_, a) => $(a).text().trim())
        .get(),
    ).toEqual([
      'Select the location your question is about',
      'Select what your question is about',
      'Enter your question',
    ])
    expect(await count('enquiries')).toBe(before)

    const question = {
      locationId: ids.location!,
      category: 'ppe',
      question: 'Where can we get visors for the night staff?',
    }
    // Check your answers first: nothing is saved until it is sent.
    const check = await manager.post('/enquiries/new', question)
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('h1').text()).toBe('Check your question before sending it')
    expect(load(check.body)('.govuk-summary-list').text()).toContain('Birch House')
    expect(await count('enquiries')).toBe(before)
    const change = await manager.post('/enquiries/new', { ...question, action: 'change' })
    expect(load(change.body)('#question').text()).toBe(question.question)
    expect(await count('enquiries')).toBe(before)
    const asked = await manager.post('/enquiries/new', { ...question, action: 'send' })
    expect(asked.statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('enquiries')
      .selectAll()
      .where('question', '=', 'Where can we get visors for the night staff?')
      .executeTakeFirstOrThrow()
    expect(asked.headers.location).toBe(`/enquiries/${row.id}?asked=1`)
    expect(row).toMatchObject({
      councilId: ids.council,
      providerId: ids.provider,
      channel: 'web',
      status: 'new',
      askedByUserId: ids.manager,
    })
    // Tuesday 09:00 + 2 working days: due by the end of Thursday 16 April (BST).
    expect(row.dueAt.toISOString()).toBe('2020-04-16T23:00:00.000Z')
    expect(row.reference).toMatch(/^ENQ-\d+$/)
    ids.enquiry = row.id
    const page = await manager.get(`/enquiries/${row.id}`)
    expect(page.body).toContain(row.reference)
    expect(page.body).toContain('The council has not answered yet.')
  })

  it('keeps enquiries to their provider and council: 404 by URL, absent from lists', async () => {
    const other = await signedIn('otherManager')
    expect((await other.get(`/enquiries/${ids.enquiry}`)).statusCode).toBe(404)
    const list = await other.get('/enquiries')
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain('visors')
    const otherOfficer = await signedIn('otherOfficer')
    expect((await otherOfficer.get(`/enquiries/${ids.enquiry}`)).statusCode).toBe(404)
    expect((await otherOfficer.get('/enquiries')).body).not.toContain('visors')
    // Partners do not read the council's enquiries.
    const partner = await signedIn('partner')
    expect((await partner.get('/enquiries')).statusCode).toBe(404)
    expect((await partner.get(`/enquiries/${ids.enquiry}`)).statusCode).toBe(404)
    expect(await t.services.enquiries.listForLocation(await actorFor('partner'), ids.location!)).toEqual([])
    expect(
      await t.services.enquiries.listForLocation(await actorFor('otherManager'), ids.location!),
    ).toBeNull()
    const own = await t.services.enquiries.listForLocation(await actorFor('manager'), ids.location!)
    expect(own!.map((e) => e.id)).toEqual([ids.enquiry])
  })

  it('lists enquiries for officers with filters, and highlights overdue ones', async () => {
    const officer = await signedIn('officer')
    const list = await officer.get('/enquiries')
    expect(list.body).toContain('visors')
    expect(list.body).not.toContain('Overdue</strong>')
    expect((await officer.get('/enquiries?overdue=yes')).body).toContain('No enquiries match these filters.')
    expect((await officer.get('/enquiries?category=finance')).body).not.toContain('visors')
    expect((await officer.get('/enquiries?status=new')).body).toContain('visors')
    t.clock.set(new Date('2020-04-17T08:00:00Z'))
    try {
      // Three days later (a fresh session: the old one has timed out).
      const later = await signedIn('officer')
      const late = await later.get('/enquiries?overdue=yes')
      expect(late.body).toContain('visors')
      expect(load(late.body)('.govuk-tag--red').text()).toContain('Overdue')
    } finally {
      t.clock.set(new Date('2020-04-14T08:00:00Z'))
    }
  })

  it('answers the provider by e-mail through the outbox, with history, and lets the provider read it', async () => {
    const officer = await signedIn('officer')
    await officer.get(`/enquiries/${ids.enquiry}`)
    const [enquiries, events, outbox] = [
      await count('enquiries'),
      await count('enquiryEvents'),
      await count('outboxMessages'),
    ]
    const empty = await officer.post(`/enquiries/${ids.enquiry}/respond`, { response: '  ' })
    expect(empty.statusCode).toBe(400)
    expect(load(empty.body)('.govuk-error-summary').text()).toContain('Enter the response')
    const notYet = await officer.post(`/enquiries/${ids.enquiry}/status`, {
      status: 'answered',
      ownerUserId: '',
    })
    expect(notYet.statusCode).toBe(400)
    expect(notYet.body).toContain('Send a response before marking the enquiry answered')
    expect([await count('enquiries'), await count('enquiryEvents'), await count('outboxMessages')]).toEqual([
      enquiries,
      events,
      outbox,
    ])

    const taken = await officer.post(`/enquiries/${ids.enquiry}/status`, {
      status: 'in_progress',
      ownerUserId: ids.officer!,
    })
    expect(taken.statusCode).toBe(302)
    const answered = await officer.post(`/enquiries/${ids.enquiry}/respond`, {
      response: 'The local store has visors: order them on the PPE request form (free in an emergency).',
    })
    expect(answered.statusCode).toBe(302)
    expect(answered.headers.location).toBe(`/enquiries/${ids.enquiry}?responded=1`)
    const row = await t.database.db
      .selectFrom('enquiries')
      .selectAll()
      .where('id', '=', ids.enquiry!)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'answered', respondedBy: ids.officer, ownerUserId: ids.officer })
    const mail = await t.database.db
      .selectFrom('outboxMessages')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .executeTakeFirstOrThrow()
    expect(mail.toAddress).toBe(emails.manager)
    expect(mail.subject).toBe(`Answer to your question ${row.reference}`)
    expect(mail.body).toContain('The local store has visors')
    const history = await t.database.db
      .selectFrom('enquiryEvents')
      .select('kind')
      .where('enquiryId', '=', ids.enquiry!)
      .orderBy('id')
      .execute()
    expect(history.map((h) => h.kind)).toEqual(['received', 'status_changed', 'owner_changed', 'responded'])
    const page = await officer.get(`/enquiries/${ids.enquiry}`)
    expect(page.body).toContain('Status changed from New to In progress')

    const manager = await signedIn('manager')
    const seen = await manager.get(`/enquiries/${ids.enquiry}`)
    expect(seen.body).toContain('The local store has visors')
    expect(seen.body).not.toContain('Status changed from')
    // The provider cannot answer or change it.
    expect((await manager.post(`/enquiries/${ids.enquiry}/respond`, { response: 'x' })).statusCode).toBe(404)
    expect(
      (await manager.post(`/enquiries/${ids.enquiry}/status`, { status: 'closed', ownerUserId: '' }))
        .statusCode,
    ).toBe(404)
  })

  it('lets an officer log an enquiry taken by telephone, and the admin change the target time', async () => {
    const admin = await signedIn('admin')
    await admin.get('/enquiries/settings')
    const before = await count('enquiries')
    const bad = await admin.post('/enquiries/settings', { days: '0' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter a whole number of working days from 1 to 20')
    expect(await t.services.enquiries.targetWorkingDays(ids.council!)).toBe(2)
    expect((await admin.post('/enquiries/settings', { days: '3' })).statusCode).toBe(302)
    expect(await t.services.enquiries.targetWorkingDays(ids.council!)).toBe(3)
    const officer = await signedIn('officer')
    expect((await officer.get('/enquiries/settings')).statusCode).toBe(404)
    const form = await officer.get(`/enquiries/new?locationId=${ids.location}`)
    expect(form.statusCode).toBe(200)
    const invalid = await officer.post('/enquiries/new', {
      locationId: ids.location!,
      channel: 'fax',
      askedByName: '',
      'receivedDate-day': '15',
      'receivedDate-month': '4',
      'receivedDate-year': '2020',
      category: 'finance',
      question: 'When is the uplift paid?',
    })
    expect(invalid.statusCode).toBe(400)
    expect(load(invalid.body)('.govuk-error-summary a').length).toBe(3)
    expect(await count('enquiries')).toBe(before)
    const logged = await officer.post('/enquiries/new', {
      locationId: ids.location!,
      channel: 'phone',
      askedByName: 'Ann Lee, registered manager',
      'receivedDate-day': '14',
      'receivedDate-month': '4',
      'receivedDate-year': '2020',
      category: 'finance',
      question: 'When is the uplift paid?',
    })
    expect(logged.statusCode).toBe(302)
    const row = await t.database.db
      .selectFrom('enquiries')
      .selectAll()
      .where('question', '=', 'When is the uplift paid?')
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      channel: 'phone',
      askedByName: 'Ann Lee, registered manager',
      askedByUserId: null,
    })
    // Three working days from Tuesday: end of Friday 17 April.
    expect(row.dueAt.toISOString()).toBe('2020-04-17T23:00:00.000Z')
    // A council elsewhere cannot log one for this location.
    const otherOfficer = await signedIn('otherOfficer')
    expect((await otherOfficer.get(`/enquiries/new?locationId=${ids.location}`)).statusCode).toBe(404)
    await t.database.db
      .updateTable('settings')
      .set({ value: JSON.stringify(2) })
      .where('key', '=', 'enquiry_target_working_days')
      .execute()
  })

  it('turns an answered enquiry into an FAQ entry that providers find by search', async () => {
    const officer = await signedIn('officer')
    const form = await officer.get(`/enquiries/${ids.enquiry}/faq`)
    expect(form.statusCode).toBe(200)
    expect(load(form.body)('#question').text()).toBe('Where can we get visors for the night staff?')
    const before = await count('faqEntries')
    const bad = await officer.post(`/enquiries/${ids.enquiry}/faq`, {
      category: 'ppe',
      question: '',
      answer: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(await count('faqEntries')).toBe(before)
    const saved = await officer.post(`/enquiries/${ids.enquiry}/faq`, {
      category: 'ppe',
      question: 'Where can a care home get visors?',
      answer:
        'Order eye protection from the local PPE store on the request form; it is free in an emergency.',
    })
    expect(saved.statusCode).toBe(302)
    const entry = await t.database.db
      .selectFrom('faqEntries')
      .selectAll()
      .where('sourceEnquiryId', '=', ids.enquiry!)
      .executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ councilId: ids.council, published: true, createdBy: ids.officer })
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('entityId', '=', entry.id)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['faq-entry-created'])

    const manager = await signedIn('manager')
    const found = await manager.get('/faq?q=VISORS+home')
    expect(found.body).toContain('Where can a care home get visors?')
    expect((await manager.get('/faq?q=visors+ventilator')).body).not.toContain(
      'Where can a care home get visors?',
    )
    expect((await manager.get('/faq?q=visors&category=finance')).body).not.toContain(
      'Where can a care home get visors?',
    )
    expect((await manager.get('/faq?q=emergency&category=ppe')).body).toContain(
      'Where can a care home get visors?',
    )
    expect((await manager.get('/faq?q=%25')).statusCode).toBe(200)
    expect((await manager.get(`/faq/${entry.id}`)).statusCode).toBe(200)
    // A provider of another council's area does not see this council's FAQ.
    const other = await signedIn('otherManager')
    expect((await other.get('/faq?q=visors')).body).not.toContain('Where can a care home get visors?')
    expect((await other.get(`/faq/${entry.id}`)).statusCode).toBe(404)
    // Unpublished, it disappears for providers; the change is audited.
    await officer.get(`/faq/${entry.id}/edit`)
    expect(
      (
        await officer.post(`/faq/${entry.id}/edit`, {
          category: 'ppe',
          question: entry.question,
          answer: entry.answer,
          published: 'no',
        })
      ).statusCode,
    ).toBe(302)
    expect((await manager.get(`/faq/${entry.id}`)).statusCode).toBe(404)
    expect((await officer.get(`/faq/${entry.id}`)).statusCode).toBe(200)
  })
})
