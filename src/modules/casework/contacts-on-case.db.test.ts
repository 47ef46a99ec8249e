import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caseIn, caseworkMarket } from '../../../test/support/casework-market.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// Issue 18, item 4 and acceptance 5: a contact logged from a case belongs to it whatever its date, the
// case history interleaves alerts, actions and contacts by time, and the form returns to the case.
describe.each(engines)('contacts on a case on %s', (engine) => {
  let t: TestApp
  let ids: Record<string, string> = {}
  let emails: Record<string, string> = {}

  beforeAll(async () => {
    ;({ t, ids, emails } = await caseworkMarket(engine))
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  // A call on 10 April 2020: days before Beech House's case opened (14 April, 05:00 UTC).
  const callBeforeTheCase = {
    state: 'done',
    method: 'call',
    direction: 'outgoing',
    category: 'ppe',
    'contactDate-day': '10',
    'contactDate-month': '4',
    'contactDate-year': '2020',
    contactTime: '10:15',
    spokeTo: 'Registered manager',
    summary: 'Manager warned gloves would run short next week',
    actionsAgreed: '',
  }

  it('keeps a contact logged from the case on it, whatever its date, and goes back to the case', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const beech = await caseIn(t)(ids['Beech House']!)
    const casePage = load((await officer.get(`/cases/${beech.id}`)).body)
    const link = casePage('a:contains("Record a call, e-mail or visit")').attr('href')!
    expect(link).toBe(
      `/locations/${ids['Beech House']}/contact-log/new?caseId=${beech.id}&returnTo=%2Fcases%2F${beech.id}`,
    )
    const form = await officer.get(link)
    expect(form.statusCode).toBe(200)
    const $form = load(form.body)
    expect($form('input[name="caseId"]').val()).toBe(beech.id)
    expect($form('input[name="returnTo"]').val()).toBe(`/cases/${beech.id}`)
    expect($form('.govuk-back-link').attr('href')).toBe(`/cases/${beech.id}`)

    // A mistake keeps where it came from.
    const bad = await officer.post(`/locations/${ids['Beech House']}/contact-log/new`, {
      ...callBeforeTheCase,
      summary: '',
      caseId: beech.id,
      returnTo: `/cases/${beech.id}`,
    })
    expect(bad.statusCode).toBe(400)
    expect(load(bad.body)('input[name="caseId"]').val()).toBe(beech.id)

    const saved = await officer.post(`/locations/${ids['Beech House']}/contact-log/new`, {
      ...callBeforeTheCase,
      caseId: beech.id,
      returnTo: `/cases/${beech.id}`,
    })
    expect(saved.statusCode).toBe(302)
    expect(saved.headers.location).toBe(`/cases/${beech.id}?contactLogged=1`)
    const stored = await t.database.db
      .selectFrom('contactLogEntries')
      .select(['caseId', 'contactAt'])
      .where('summary', '=', callBeforeTheCase.summary)
      .executeTakeFirstOrThrow()
    expect(stored.caseId).toBe(beech.id)
    expect(stored.contactAt.getTime()).toBeLessThan(beech.openedAt.getTime())

    const page = load((await officer.get(`/cases/${beech.id}?contactLogged=1`)).body)
    expect(page('.govuk-notification-banner').text()).toContain('Contact recorded on this case')
    expect(page('#contacts + table').text()).toContain(callBeforeTheCase.summary)
    // The history, newest first: the case's events, then (oldest) the call made before it opened.
    const history = page('#history + table tbody tr')
      .map((_, row) => page(row).find('td').eq(1).text().trim())
      .get()
    expect(history[0]).toMatch(/^Alert added/)
    expect(history.at(-1)).toBe(`Telephone call: ${callBeforeTheCase.summary}`)
    expect(history.at(-2)).toBe('Case opened')
  })

  it('interleaves alerts, actions and contacts by time', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const cedar = await caseIn(t)(ids['Cedar House']!)
    // Cedar House: red alert on 12 April 08:00 UTC, amber at 09:00. A call between them, from the case.
    await officer.get(`/cases/${cedar.id}`)
    const saved = await officer.post(`/locations/${ids['Cedar House']}/contact-log/new`, {
      ...callBeforeTheCase,
      'contactDate-day': '12',
      contactTime: '09:30', // 08:30 UTC
      summary: 'Called about the gloves',
      caseId: cedar.id,
      returnTo: `/cases/${cedar.id}`,
    })
    expect(saved.statusCode).toBe(302)
    const page = load((await officer.get(`/cases/${cedar.id}`)).body)
    const history = page('#history + table tbody tr')
      .map((_, row) => page(row).find('td').eq(1).text().trim().split(':')[0])
      .get()
    expect(history).toEqual(['Alert added', 'Telephone call', 'Alert added', 'Case opened'])
  })

  it('leaves a contact logged elsewhere before the case opened off it, and refuses another location’s case', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const damson = await caseIn(t)(ids['Damson House']!)
    await officer.get(`/locations/${ids['Damson House']}/contact-log/new`)
    const fromLocation = await officer.post(`/locations/${ids['Damson House']}/contact-log/new`, {
      ...callBeforeTheCase,
      summary: 'Routine call, nothing to report',
    })
    expect(fromLocation.statusCode).toBe(302)
    expect(fromLocation.headers.location).toBe(`/locations/${ids['Damson House']}?contactLogged=1`)
    expect((await officer.get(`/cases/${damson.id}`)).body).not.toContain('Routine call, nothing to report')

    // Another location's case, or a way off the site, is not accepted.
    const ash = await caseIn(t)(ids['Ash House']!)
    const before = await t.database.db.selectFrom('contactLogEntries').select('id').execute()
    const wrongCase = await officer.post(`/locations/${ids['Damson House']}/contact-log/new`, {
      ...callBeforeTheCase,
      caseId: ash.id,
    })
    expect(wrongCase.statusCode).toBe(404)
    expect(await t.database.db.selectFrom('contactLogEntries').select('id').execute()).toHaveLength(
      before.length,
    )
    await officer.get(`/locations/${ids['Damson House']}/contact-log/new`)
    const offSite = await officer.post(`/locations/${ids['Damson House']}/contact-log/new`, {
      ...callBeforeTheCase,
      returnTo: '//evil.example/cases',
    })
    expect(offSite.headers.location).toBe(`/locations/${ids['Damson House']}?contactLogged=1`)
  })
})
