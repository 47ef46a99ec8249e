import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { returnFormMessages } from '../../../test/support/return-form-messages.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// The return form as a provider manager meets it (issue 18, item 3): it says which answers are
// required, each error in its own words, a "Change" on every answer to check, and after sending,
// the manager's other returns still to send.
describe.each(engines)('the return form on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  let managerEmail = ''

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Form Council', { onsCode: 'E10000062' })
    ids.provider = await createProvider(db, 'Birch Care Ltd')
    const providerOrg = await createOrganisation(db, 'provider', 'Birch Care Ltd', {
      providerId: ids.provider,
    })
    ids.first = await createLocation(db, ids.provider, ids.council, { name: 'Birch House', beds: 40 })
    ids.second = await createLocation(db, ids.provider, ids.council, { name: 'Alder Court', beds: 40 })
    managerEmail = (await createUser(db, providerOrg, 'provider_manager')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async () => {
    const client = new TestClient(t.app)
    await client.signIn(managerEmail)
    return client
  }

  it('says which answers are required, marks the others optional, and names each blank one in its own words', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const manager = await signedIn()
    const form = load((await manager.get(`/locations/${ids.first}/returns/new`)).body)
    const intro = form('main p.govuk-body').text()
    expect(intro).toContain('Answer every question unless it says (optional)')
    expect(intro).not.toContain('blank if you do not know')
    expect(form('label[for="staffTested"]').text().trim()).toBe('Staff tested (optional)')
    expect(form('label[for="staffEmployed"]').text().trim()).toBe('Staff employed')
    expect(form('fieldset:has(#helpRequested) legend').text().trim()).toBe(
      'Do you need help with any of these? (optional)',
    )

    const empty = await manager.post(`/locations/${ids.first}/returns/check`, { periodStart: '2020-04-14' })
    expect(empty.statusCode).toBe(400)
    const $ = load(empty.body)
    const summary = $('.govuk-error-summary a')
      .map((_, a) => [[$(a).attr('href'), $(a).text().trim()]])
      .get()
    // A care home: every required field of the table but home care's, in the form's order.
    const homeCareOnly = ['peopleSupported', 'hoursDelivered', 'visitsMissed', 'capacityForNewPackages']
    expect(summary).toEqual(
      returnFormMessages
        .filter(([key, missing]) => missing !== null && !homeCareOnly.includes(key))
        .map(([key, missing]) => [`#${key}`, missing]),
    )
    expect(summary).toHaveLength(23)
    expect($('#ppeCanObtainMore-error').text()).toContain(
      'Select yes if you can get more PPE from your usual suppliers',
    )
    for (const [, text] of summary) expect(text).not.toMatch(/^Select can|[a-z][A-Z]/)
  })

  it('offers a “Change” on every answer to check, back to that answer with what was typed', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const manager = await signedIn()
    const check = await manager.post(`/locations/${ids.first}/returns/check`, fullReturn)
    expect(check.statusCode).toBe(200)
    const $ = load(check.body)
    const rows = $('.govuk-summary-list__row')
    expect(rows.length).toBe(27)
    rows.each((_, row) => {
      const change = $(row).find('.govuk-summary-list__actions button[name="action"][value="change"]')
      expect(change.length, $(row).text()).toBe(1)
      const question = $(row).find('.govuk-summary-list__key').text().trim()
      expect(change.find('.govuk-visually-hidden').text().trim()).toBe(question)
      expect(change.attr('formaction')).toMatch(new RegExp(`^/locations/${ids.first}/returns/check#\\w+$`))
    })
    const gloves = $('.govuk-summary-list__row:contains("Days of gloves in stock") button').attr(
      'formaction',
    )!
    expect(gloves).toBe(`/locations/${ids.first}/returns/check#ppeDaysGloves`)
    // The button sends the answers back to the form, where that box has its id.
    const back = await manager.post(gloves.split('#')[0]!, {
      ...fullReturn,
      periodStart: '2020-04-14',
      action: 'change',
    })
    expect(load(back.body)('#ppeDaysGloves').val()).toBe('10')
  })

  it('leads, after sending, to the manager’s other returns still to send, then says when all are sent', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const manager = await signedIn()
    const send = (location: string) =>
      manager.post(`/locations/${location}/returns/check`, {
        ...fullReturn,
        periodStart: '2020-04-14',
        action: 'submit',
      })
    const first = await send(ids.first!)
    expect(first.statusCode).toBe(302)
    const sent = load((await manager.get(first.headers.location!)).body)
    expect(sent('.govuk-panel__title').text().trim()).toBe('Return sent')
    expect(
      sent('#still-due a')
        .map((_, a) => [[sent(a).text().trim(), sent(a).attr('href')]])
        .get(),
    ).toEqual([['Report for Alder Court', `/locations/${ids.second}/returns/new`]])

    const second = await send(ids.second!)
    const done = load((await manager.get(second.headers.location!)).body)
    expect(done('#still-due').text()).toContain('You have sent all your returns for now.')
    expect(done('#still-due a').attr('href')).toBe('/')
    // Only just after sending: the return's own page says nothing of the others.
    const later = load((await manager.get(second.headers.location!.replace('?submitted=1', ''))).body)
    expect(later('#still-due').length).toBe(0)
  })
})
