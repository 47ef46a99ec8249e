import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
describe.each(engines)('infection-control visits on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Northmoor IPC Council', { onsCode: 'E10000082' })
    ids.ipc = await createOrganisation(db, 'infection_control_team', 'Northmoor IPC Team')
    await linkPartner(db, ids.ipc, ids.council)
    ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North IPC CCG')
    await linkPartner(db, ids.ccg, ids.council)
    ids.provider = await createProvider(db, 'Ash Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Ash Care Ltd', { providerId: ids.provider })
    ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Ash Lodge' })
    for (const [key, org, role] of [
      ['admin', ids.council, 'admin'],
      ['officer', ids.council, 'council_officer'],
      ['nurse', ids.ipc, 'partner_officer'],
      ['ccg', ids.ccg, 'partner_officer'],
      ['manager', ids.providerOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
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
  const errorsOf = (body: string) => {
    const $ = load(body)
    return $('.govuk-error-summary a')
      .map((_, a) => $(a).text().trim())
      .get()
  }
  const count = async (table: 'ipcVisits' | 'contactLogEntries') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('lets the IPC nurse plan a visit that every partner then sees in the contact log and on the location', async () => {
    const nurse = await signedIn('nurse')
    const url = `/locations/${ids.location}/ipc-visits/new`
    expect((await nurse.get(url)).statusCode).toBe(200)
    // Another partner reads visits but does not plan them; a provider does neither.
    expect((await (await signedIn('ccg')).get(url)).statusCode).toBe(404)
    expect((await (await signedIn('manager')).get(url)).statusCode).toBe(404)
    const bad = await nurse.post(url, {
      'visitDate-day': '10',
      'visitDate-month': '4',
      'visitDate-year': '2020',
      purpose: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'Date of the visit must be today or in the future',
      'Enter what the visit is for',
    ])
    expect(await count('ipcVisits')).toBe(0)
    expect(await count('contactLogEntries')).toBe(0)
    const planned = await nurse.post(url, {
      'visitDate-day': '16',
      'visitDate-month': '4',
      'visitDate-year': '2020',
      visitTime: '10:30',
      purpose: 'Outbreak support: zoning and PPE',
    })
    expect(planned.statusCode).toBe(302)
    const contact = await t.database.db.selectFrom('contactLogEntries').selectAll().executeTakeFirstOrThrow()
    expect(contact).toMatchObject({
      state: 'planned',
      method: 'visit',
      category: 'infection_control',
      officerUserId: ids.nurse,
    })
    const visit = await t.database.db.selectFrom('ipcVisits').selectAll().executeTakeFirstOrThrow()
    expect(visit).toMatchObject({ state: 'planned', visitOn: '2020-04-16', contactId: contact.id })

    const officer = await signedIn('officer')
    const page = load((await officer.get(`/locations/${ids.location}`)).body)
    expect(page('#contact-banner').text()).toContain('IPC visit: Outbreak support: zoning and PPE')
    expect(page('#ipc-visits').text()).toContain('IPC visit planned 16 April 2020')
    expect((await (await signedIn('manager')).get(`/infection-control/visits/${visit.id}`)).statusCode).toBe(
      404,
    )
  })

  it('records findings and actions on the day, marks the contact happened and books the follow-up', async () => {
    const visit = await t.database.db.selectFrom('ipcVisits').selectAll().executeTakeFirstOrThrow()
    // Not before the day of the visit.
    const early = await (await signedIn('nurse')).post(`/infection-control/visits/${visit.id}/record`, {})
    expect(errorsOf(early.body)[0]).toBe('You can record the findings from the day of the visit')
    t.clock.set(new Date('2020-04-16T13:00:00Z'))
    const nurse = await signedIn('nurse')
    const form = await nurse.get(`/infection-control/visits/${visit.id}/record`)
    const $ = load(form.body)
    const itemIds = $('input[type=radio][value=met]')
      .map((_, el) => $(el).attr('name')!.replace('finding-', ''))
      .get()
    expect(itemIds).toHaveLength(5)
    const answers = Object.fromEntries(itemIds.map((id) => [`finding-${id}`, 'met']))
    const missingDue = await nurse.post(`/infection-control/visits/${visit.id}/record`, {
      ...answers,
      action1Text: 'PPE stations at each zone',
    })
    expect(missingDue.statusCode).toBe(400)
    expect(errorsOf(missingDue.body)).toEqual(['Enter the date action 1 is due'])
    const saved = await nurse.post(`/infection-control/visits/${visit.id}/record`, {
      ...answers,
      [`finding-${itemIds[1]}`]: 'not_met',
      action1Text: 'PPE stations at each zone',
      'action1Due-day': '20',
      'action1Due-month': '4',
      'action1Due-year': '2020',
      'followUpDate-day': '23',
      'followUpDate-month': '4',
      'followUpDate-year': '2020',
    })
    expect(saved.statusCode).toBe(302)
    const db = t.database.db
    expect(
      (await db.selectFrom('ipcVisits').select('state').where('id', '=', visit.id).executeTakeFirstOrThrow())
        .state,
    ).toBe('done')
    expect(
      (
        await db
          .selectFrom('contactLogEntries')
          .select('state')
          .where('id', '=', visit.contactId!)
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe('done')
    const followUp = await db
      .selectFrom('ipcVisits')
      .selectAll()
      .where('followUpOfVisitId', '=', visit.id)
      .executeTakeFirstOrThrow()
    expect(followUp).toMatchObject({ state: 'planned', visitOn: '2020-04-23' })
    expect(await count('contactLogEntries')).toBe(2)
    // The case page shows the visits too (its panels for the case's location).
    const panels = await t.services.casePagePanels(await actorFor(db, ids.officer!), ids.location!)
    const ipcPanel = panels.find((p) => p.template === 'infection-control/views/location-panel.njk')
    expect(ipcPanel?.context).toMatchObject({
      ipcPanel: { planned: [{ visitOn: '2020-04-23' }], done: [{ id: visit.id }] },
    })
    const page = await (await signedIn('officer')).get(`/infection-control/visits/${visit.id}`)
    expect(page.body).toContain('PPE stations at each zone')
    const figures = await (await signedIn('officer')).get('/infection-control/figures')
    expect(load(figures.body)('.carehub-figure__value').first().text()).toBe('1')
  })

  it('lets only the council’s administrator change the checklist, which is data', async () => {
    for (const who of ['officer', 'nurse'])
      expect((await (await signedIn(who)).get('/infection-control/checklist')).statusCode).toBe(404)
    const admin = await signedIn('admin')
    const page = await admin.get('/infection-control/checklist')
    expect(page.statusCode).toBe(200)
    const empty = await admin.post('/infection-control/checklist', { action: 'add', label: ' ' })
    expect(empty.statusCode).toBe(400)
    expect(errorsOf(empty.body)).toEqual(['Enter the checklist item'])
    expect(
      (await admin.post('/infection-control/checklist', { action: 'add', label: 'Visiting arrangements' }))
        .statusCode,
    ).toBe(302)
    const items = await t.database.db
      .selectFrom('ipcChecklistItems')
      .select('label')
      .where('active', '=', true)
      .orderBy('position')
      .execute()
    expect(items.map((i) => i.label).at(-1)).toBe('Visiting arrangements')
    expect(items).toHaveLength(6)
  })
})
