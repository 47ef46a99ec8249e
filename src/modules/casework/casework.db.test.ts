import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { caseIn, caseworkMarket, raiseIn } from '../../../test/support/casework-market.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { compareWorklist, worklistQueryFrom } from './domain/worklist.rules.ts'

// A case's life: the worklist, ownership, passing on, actions, alerts resolved by hand, closing.
describe.each(engines)('casework on %s', (engine) => {
  let t: TestApp
  let ids: Record<string, string> = {}
  let emails: Record<string, string> = {}
  const caseOf = (locationId: string) => caseIn(t)(locationId)
  const raise = (...args: Parameters<ReturnType<typeof raiseIn>>) => raiseIn(t)(...args)

  beforeAll(async () => {
    ;({ t, ids, emails } = await caseworkMarket(engine))
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  const rowNames = (html: string) =>
    load(html)('table.carehub-worklist tbody tr')
      .map((_, row) => load(row)('td').first().find('a').first().text().trim())
      .get()

  it('lists the market’s open cases worst first, then the newest alerts, with time since opened', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const page = await officer.get('/worklist')
    expect(page.statusCode).toBe(200)
    expect(rowNames(page.body)).toEqual(['Beech House', 'Cedar House', 'Damson House', 'Ash House'])
    const $ = load(page.body)
    const beech = $('table.carehub-worklist tbody tr').eq(0)
    expect(beech.text()).toContain('3 hours ago')
    expect(beech.text()).toContain('PPE under 3 days')
    expect(beech.text()).toContain('Red')
    expect(beech.text()).toContain('Unowned')
    expect(page.body).not.toContain('Far Away House')
    // The SQL order is the domain's order.
    const result = await t.services.casework.worklist(
      await actorFor(t.database.db, ids.officerA!),
      worklistQueryFrom({}),
      { page: 1, pageSize: 50 },
    )
    const sorted = [...result!.rows].sort(compareWorklist)
    expect(result!.rows.map((r) => r.id)).toEqual(sorted.map((r) => r.id))
    // Paging keeps the order.
    const second = await t.services.casework.worklist(
      await actorFor(t.database.db, ids.officerA!),
      worklistQueryFrom({}),
      { page: 2, pageSize: 3 },
    )
    expect(second!.rows.map((r) => r.locationName)).toEqual(['Ash House'])
    expect(second!.total).toBe(4)
  })

  it('takes ownership, filters mine, my organisation’s and unowned, and audits it', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const beech = await caseOf(ids['Beech House']!)
    const page = await officer.get(`/cases/${beech.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Gloves: 1 day of stock left')
    const taken = await officer.post(`/cases/${beech.id}/take-ownership`, {})
    expect(taken.statusCode).toBe(302)
    const after = await caseOf(ids['Beech House']!)
    expect(after).toMatchObject({
      status: 'owned',
      owningOrganisationId: ids.councilA,
      ownerUserId: ids.officerA,
    })
    expect(rowNames((await officer.get('/worklist?show=mine')).body)).toEqual(['Beech House'])
    expect(rowNames((await officer.get('/worklist?show=organisation')).body)).toEqual(['Beech House'])
    expect(rowNames((await officer.get('/worklist?show=unowned')).body)).toEqual([
      'Cedar House',
      'Damson House',
      'Ash House',
    ])
    const colleague = new TestClient(t.app)
    await colleague.signIn(emails.officerA2!)
    const empty = await colleague.get('/worklist?show=mine')
    expect(rowNames(empty.body)).toEqual([])
    expect(empty.body).toContain('You do not own any open cases')
    expect(rowNames((await colleague.get('/worklist?show=organisation')).body)).toEqual(['Beech House'])
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId'])
      .where('entityId', '=', beech.id)
      .execute()
    expect(audit).toEqual([{ action: 'case-ownership-taken', actorUserId: ids.officerA }])
    const events = await t.database.db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', beech.id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.kind)).toEqual(['opened', 'alert_added', 'ownership_taken'])
  })

  it('passes a case to a partner serving the council, who may then work it but not another organisation’s', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const cedar = await caseOf(ids['Cedar House']!)
    const page = load((await officer.get(`/cases/${cedar.id}`)).body)
    const options = page('#passTo option')
      .map((_, o) => page(o).text())
      .get()
    expect(options).toContain('North CCG (anyone there)')
    expect(options.some((o) => o.includes('Far CCG'))).toBe(false)
    const refused = await officer.post(`/cases/${cedar.id}/pass`, { passTo: `organisation:${ids.ccgB}` })
    expect(refused.statusCode).toBe(400)
    expect(load(refused.body)('.govuk-error-summary').text()).toContain('Select who to pass the case to')
    expect((await caseOf(ids['Cedar House']!)).owningOrganisationId).toBeNull()
    const passed = await officer.post(`/cases/${cedar.id}/pass`, { passTo: `user:${ids.partnerA}` })
    expect(passed.statusCode).toBe(302)
    expect(await caseOf(ids['Cedar House']!)).toMatchObject({
      status: 'owned',
      owningOrganisationId: ids.ccgA,
      ownerUserId: ids.partnerA,
    })
    const partner = new TestClient(t.app)
    await partner.signIn(emails.partnerA!)
    expect(rowNames((await partner.get('/worklist?show=mine')).body)).toEqual(['Cedar House'])
    // The council's case stays the council's: the partner may read it but not take it.
    const beech = await caseOf(ids['Beech House']!)
    await partner.get(`/cases/${beech.id}`)
    const grab = await partner.post(`/cases/${beech.id}/take-ownership`, {})
    expect(grab.statusCode).toBe(400)
    expect(grab.body).toContain('This case is owned by another organisation')
    expect((await caseOf(ids['Beech House']!)).ownerUserId).toBe(ids.officerA)
  })

  it('adds actions with due dates, refusing bad ones, and marking one done moves the case to action taken', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const beech = await caseOf(ids['Beech House']!)
    await officer.get(`/cases/${beech.id}`)
    const bad = await officer.post(`/cases/${beech.id}/actions`, {
      description: '',
      'dueOn-day': '31',
      'dueOn-month': '2',
      'dueOn-year': '2020',
    })
    expect(bad.statusCode).toBe(400)
    const summary = load(bad.body)('.govuk-error-summary')
    expect(summary.text()).toContain('Enter what will be done')
    expect(summary.text()).toContain('The due date must be a real date, for example 17 4 2020')
    expect(summary.find('a[href="#dueOn-day"]').length).toBe(1)
    const past = await officer.post(`/cases/${beech.id}/actions`, {
      description: 'Deliver gloves',
      'dueOn-day': '1',
      'dueOn-month': '4',
      'dueOn-year': '2020',
    })
    expect(past.statusCode).toBe(400)
    expect(await t.database.db.selectFrom('caseActions').select('id').execute()).toHaveLength(0)
    const added = await officer.post(`/cases/${beech.id}/actions`, {
      description: 'Deliver 2 boxes of gloves from the county store',
      'dueOn-day': '15',
      'dueOn-month': '4',
      'dueOn-year': '2020',
    })
    expect(added.statusCode).toBe(302)
    const action = await t.database.db
      .selectFrom('caseActions')
      .selectAll()
      .where('caseId', '=', beech.id)
      .executeTakeFirstOrThrow()
    expect(action).toMatchObject({ status: 'open', dueOn: '2020-04-15', createdBy: ids.officerA })
    const worklist = load((await officer.get('/worklist?show=mine')).body)
    expect(worklist('table.carehub-worklist tbody tr').first().text()).toContain('15 April 2020')
    await officer.get(`/cases/${beech.id}`)
    const done = await officer.post(`/cases/${beech.id}/actions/${action.id}/done`, {})
    expect(done.statusCode).toBe(302)
    expect((await caseOf(ids['Beech House']!)).status).toBe('action_taken')
    const twice = await officer.post(`/cases/${beech.id}/actions/${action.id}/done`, {})
    expect(twice.statusCode).toBe(400)
  })

  it('resolves an alert by hand only with a note, keeping it in the alert’s history', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const ash = await caseOf(ids['Ash House']!)
    const alert = await t.database.db
      .selectFrom('alerts')
      .select('id')
      .where('caseId', '=', ash.id)
      .executeTakeFirstOrThrow()
    const form = await officer.get(`/cases/${ash.id}/alerts/${alert.id}/resolve`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('12% of staff absent')
    const empty = await officer.post(`/cases/${ash.id}/alerts/${alert.id}/resolve`, { note: '  ' })
    expect(empty.statusCode).toBe(400)
    expect(load(empty.body)('.govuk-error-summary').text()).toContain('Enter a note')
    expect(
      (
        await t.database.db
          .selectFrom('alerts')
          .select('status')
          .where('id', '=', alert.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('open')
    const resolved = await officer.post(`/cases/${ash.id}/alerts/${alert.id}/resolve`, {
      note: 'Agency staff booked for two weeks',
    })
    expect(resolved.statusCode).toBe(302)
    const history = await t.database.db
      .selectFrom('alertEvents')
      .select(['kind', 'note', 'actorUserId'])
      .where('alertId', '=', alert.id)
      .orderBy('id')
      .execute()
    expect(history.at(-1)).toEqual({
      kind: 'resolved',
      note: 'Agency staff booked for two weeks',
      actorUserId: ids.officerA,
    })
    const risk = await t.database.db
      .selectFrom('locationRisk')
      .select('rag')
      .where('locationId', '=', ids['Ash House']!)
      .executeTakeFirstOrThrow()
    expect(risk.rag).toBe('green')
    const page = await officer.get(`/cases/${ash.id}`)
    expect(page.body).toContain('Agency staff booked for two weeks')
  })

  it('lets only the owning organisation close a case, with a note, confirming its open alerts', async () => {
    const partner = new TestClient(t.app)
    await partner.signIn(emails.partnerA!)
    const beech = await caseOf(ids['Beech House']!)
    expect(
      (await partner.post(`/cases/${beech.id}/close`, { note: 'Fine now', confirmAlerts: 'yes' })).statusCode,
    ).toBe(400)
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA2!)
    await officer.get(`/cases/${beech.id}/close`)
    const noNote = await officer.post(`/cases/${beech.id}/close`, { note: '' })
    expect(noNote.statusCode).toBe(400)
    const errors = load(noNote.body)('.govuk-error-summary').text()
    expect(errors).toContain('Enter a note saying why the case can be closed')
    expect(errors).toContain('Confirm that the open alert can be resolved with the case')
    expect((await caseOf(ids['Beech House']!)).status).toBe('action_taken')
    const closed = await officer.post(`/cases/${beech.id}/close`, {
      note: 'Gloves delivered; supplier sorted',
      confirmAlerts: 'yes',
    })
    expect(closed.statusCode).toBe(302)
    const after = await caseOf(ids['Beech House']!)
    expect(after).toMatchObject({
      status: 'resolved',
      resolvedBy: ids.officerA2,
      resolutionNote: 'Gloves delivered; supplier sorted',
    })
    const open = await t.database.db
      .selectFrom('alerts')
      .select('id')
      .where('caseId', '=', beech.id)
      .where('status', '=', 'open')
      .execute()
    expect(open).toHaveLength(0)
    const risk = await t.database.db
      .selectFrom('locationRisk')
      .selectAll()
      .where('locationId', '=', ids['Beech House']!)
      .executeTakeFirstOrThrow()
    expect(risk).toMatchObject({ rag: 'green', openCaseId: null })
    expect(rowNames((await officer.get('/worklist')).body)).not.toContain('Beech House')
    // The closed case stays reachable from the location page, with its history.
    expect((await officer.get(`/locations/${ids['Beech House']}`)).body).toContain(`/cases/${beech.id}`)
    const closedPage = await officer.get(`/cases/${beech.id}`)
    expect(closedPage.statusCode).toBe(200)
    expect(closedPage.body).toContain('Gloves delivered; supplier sorted')
    expect(closedPage.body).not.toContain('Take ownership')
    // A later alert opens a new case.
    const again = await raise(ids['Beech House']!, 'ppe-red', 'red', '2020-04-14T07:30:00Z', {
      lowestPpeDays: 1,
    })
    expect(again.caseOpened).toBe(true)
    expect(again.caseId).not.toBe(beech.id)
  })
})
