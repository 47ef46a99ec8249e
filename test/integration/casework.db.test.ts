import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareWorklist } from '../../src/domain/casework/casework.rules.ts'
import { notifyNewRedAlerts } from '../../src/modules/casework/alert-notifications.ts'
import { raiseAlert } from '../../src/modules/early-warning/alert-store.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// Two councils, a CCG serving each, one provider with homes in both; alerts raised through the one
// alert store, as the risk rules, the tracker and intelligence do.
describe.each(engines)('casework on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const caseOf = async (locationId: string) =>
    t.database.db
      .selectFrom('cases')
      .selectAll()
      .where('locationId', '=', locationId)
      .orderBy('openedAt', 'desc')
      .executeTakeFirstOrThrow()
  const raise = (locationId: string, key: string, severity: 'red' | 'amber', at: string, evidence = {}) =>
    raiseAlert(t.database.db, {
      locationId,
      source: 'rule',
      alertKey: key,
      severity,
      title:
        key === 'ppe-red' ? 'PPE under 3 days' : key === 'absence-amber' ? 'Staff absence over 10%' : key,
      message: `${key} fired`,
      evidence,
      at: new Date(at),
    })

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.councilA = await createOrganisation(db, 'council', 'Casework Council A', { onsCode: 'E10000071' })
    ids.councilB = await createOrganisation(db, 'council', 'Casework Council B', { onsCode: 'E10000072' })
    ids.ccgA = await createOrganisation(db, 'nhs_commissioner', 'North CCG')
    ids.ccgB = await createOrganisation(db, 'nhs_commissioner', 'Far CCG')
    await linkPartner(db, ids.ccgA, ids.councilA)
    await linkPartner(db, ids.ccgB, ids.councilB)
    ids.provider = await createProvider(db, 'Casework Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Casework Care Ltd', {
      providerId: ids.provider,
    })
    for (const name of ['Ash House', 'Beech House', 'Cedar House', 'Damson House', 'Elm House'])
      ids[name] = await createLocation(db, ids.provider, ids.councilA, { name })
    ids.farHome = await createLocation(db, ids.provider, ids.councilB, { name: 'Far Away House' })
    for (const [key, org, role] of [
      ['officerA', ids.councilA, 'council_officer'],
      ['officerA2', ids.councilA, 'council_officer'],
      ['adminA', ids.councilA, 'admin'],
      ['viewerA', ids.councilA, 'viewer'],
      ['partnerA', ids.ccgA, 'partner_officer'],
      ['partnerB', ids.ccgB, 'partner_officer'],
      ['officerB', ids.councilB, 'council_officer'],
      ['manager', ids.providerOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
    // Worst first, then the longest waiting: Cedar (red, oldest), Beech (red), Ash (amber), Damson (amber).
    await raise(ids['Ash House']!, 'absence-amber', 'amber', '2020-04-13T08:00:00Z', {
      staffAbsencePercent: 12,
    })
    await raise(ids['Beech House']!, 'ppe-red', 'red', '2020-04-14T05:00:00Z', {
      lowestPpeDays: 1,
      lowestPpeItem: 'gloves',
    })
    await raise(ids['Cedar House']!, 'ppe-red', 'red', '2020-04-12T08:00:00Z', { lowestPpeDays: 2 })
    await raise(ids['Cedar House']!, 'absence-amber', 'amber', '2020-04-12T09:00:00Z', {
      staffAbsencePercent: 15,
    })
    await raise(ids['Damson House']!, 'absence-amber', 'amber', '2020-04-14T07:00:00Z', {
      staffAbsencePercent: 11,
    })
    await raise(ids.farHome!, 'ppe-red', 'red', '2020-04-14T06:00:00Z', { lowestPpeDays: 0 })
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  const rowNames = (html: string) =>
    load(html)('table.carehub-worklist tbody tr')
      .map((_, row) => load(row)('td').first().find('a').first().text().trim())
      .get()

  it('lists the market’s open cases worst first, then the longest waiting, with time since opened', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const page = await officer.get('/worklist')
    expect(page.statusCode).toBe(200)
    expect(rowNames(page.body)).toEqual(['Cedar House', 'Beech House', 'Ash House', 'Damson House'])
    const $ = load(page.body)
    const beech = $('table.carehub-worklist tbody tr').eq(1)
    expect(beech.text()).toContain('3 hours ago')
    expect(beech.text()).toContain('PPE under 3 days')
    expect(beech.text()).toContain('Red')
    expect(beech.text()).toContain('Unowned')
    expect(page.body).not.toContain('Far Away House')
    // The SQL order is the domain's order.
    const result = await t.services.casework.worklist(
      (await import('../../src/modules/access/actor.repository.ts').then((m) =>
        m.loadActor(t.database.db, ids.officerA!),
      ))!.actor,
      { filter: 'all', page: 1, pageSize: 50 },
    )
    const sorted = [...result!.rows].sort(compareWorklist)
    expect(result!.rows.map((r) => r.id)).toEqual(sorted.map((r) => r.id))
    // Paging keeps the order.
    const second = await t.services.casework.worklist(
      (await import('../../src/modules/access/actor.repository.ts').then((m) =>
        m.loadActor(t.database.db, ids.officerA!),
      ))!.actor,
      { filter: 'all', page: 2, pageSize: 3 },
    )
    expect(second!.rows.map((r) => r.locationName)).toEqual(['Damson House'])
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
      'Ash House',
      'Damson House',
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
    expect(summary.text()).toContain('Enter a real date')
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

  it('records intelligence from a partner as an alert on the location’s case', async () => {
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const form = load((await officer.get(`/locations/${ids['Elm House']}/intelligence`)).body)
    expect(
      form('#partnerOrganisationId option')
        .map((_, o) => form(o).text())
        .get(),
    ).toEqual(['Select the organisation', 'Casework Council A', 'North CCG'])
    const bad = await officer.post(`/locations/${ids['Elm House']}/intelligence`, {
      partnerOrganisationId: ids.ccgB!,
      severity: 'purple',
      title: '',
      report: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(load(bad.body)('.govuk-error-summary li')).toHaveLength(4)
    expect(
      await t.database.db
        .selectFrom('cases')
        .select('id')
        .where('locationId', '=', ids['Elm House']!)
        .execute(),
    ).toEqual([])
    const saved = await officer.post(`/locations/${ids['Elm House']}/intelligence`, {
      partnerOrganisationId: ids.ccgA!,
      severity: 'red',
      title: 'Night staff off sick',
      report: 'The IPC nurse heard that half the night staff are isolating',
    })
    expect(saved.statusCode).toBe(302)
    const alert = await t.database.db
      .selectFrom('alerts')
      .selectAll()
      .where('locationId', '=', ids['Elm House']!)
      .executeTakeFirstOrThrow()
    expect(alert).toMatchObject({
      source: 'intelligence',
      severity: 'red',
      title: 'Night staff off sick',
      raisedBy: ids.officerA,
    })
    expect(alert.alertKey).toMatch(/^intelligence-[0-9a-f-]{36}$/)
    expect(saved.headers.location).toBe(`/cases/${alert.caseId}?intelligence=1`)
    const page = await officer.get(`/cases/${alert.caseId}`)
    expect(page.body).toContain('Reported by North CCG')
    expect(page.body).toContain('half the night staff are isolating')
    // A call logged with the location shows on its case, with what was agreed.
    await t.database.db
      .insertInto('contactLogEntries')
      .values({
        locationId: ids['Elm House']!,
        organisationId: ids.ccgA!,
        officerUserId: ids.partnerA!,
        spokeTo: 'The manager',
        method: 'call',
        direction: 'outgoing',
        category: 'staffing',
        state: 'done',
        contactAt: t.clock.now(),
        summary: 'Rang the manager about night cover',
        actionsAgreed: 'Agency nurses booked for three nights',
        followUpOn: null,
        followUpDoneAt: null,
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      })
      .execute()
    const withCall = await officer.get(`/cases/${alert.caseId}`)
    expect(load(withCall.body)('#contacts + table').text()).toContain('Agency nurses booked for three nights')
    // The location page shows its open case and RAG.
    const location = await officer.get(`/locations/${ids['Elm House']}`)
    expect(location.body).toContain(`/cases/${alert.caseId}`)
  })

  it('keeps cases from partners of other councils, providers and forged forms', async () => {
    const cedar = await caseOf(ids['Cedar House']!)
    const action = await t.services.db
      .insertInto('caseActions')
      .values({
        caseId: cedar.id,
        description: 'Visit',
        dueOn: '2020-04-20',
        createdBy: ids.partnerA!,
        createdAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const alert = await t.database.db
      .selectFrom('alerts')
      .select('id')
      .where('caseId', '=', cedar.id)
      .executeTakeFirstOrThrow()
    const before = await caseOf(ids['Cedar House']!)
    for (const email of [emails.partnerB!, emails.officerB!, emails.manager!]) {
      const client = new TestClient(t.app)
      await client.signIn(email)
      for (const url of [
        `/cases/${cedar.id}`,
        `/cases/${cedar.id}/close`,
        `/cases/${cedar.id}/alerts/${alert.id}/resolve`,
        `/locations/${ids['Cedar House']}/intelligence`,
      ]) {
        const response = await client.get(url)
        expect(response.statusCode, `${email} GET ${url}`).toBe(404)
        expect(response.body).not.toContain('Cedar House')
      }
      for (const url of [
        `/cases/${cedar.id}/take-ownership`,
        `/cases/${cedar.id}/pass`,
        `/cases/${cedar.id}/actions`,
        `/cases/${cedar.id}/actions/${action.id}/done`,
        `/cases/${cedar.id}/alerts/${alert.id}/resolve`,
        `/cases/${cedar.id}/close`,
        `/locations/${ids['Cedar House']}/intelligence`,
      ]) {
        const response = await client.post(url, {
          passTo: `organisation:${ids.ccgB}`,
          note: 'mine now',
          confirmAlerts: 'yes',
          description: 'x',
        })
        expect(response.statusCode, `${email} POST ${url}`).toBe(404)
      }
    }
    const manager = new TestClient(t.app)
    await manager.signIn(emails.manager!)
    expect((await manager.get('/worklist')).statusCode).toBe(403)
    // Their own location's page says nothing of its case.
    const own = await manager.get(`/locations/${ids['Cedar House']}`)
    expect(own.statusCode).toBe(200)
    expect(own.body).not.toContain(cedar.id)
    expect(own.body).not.toContain('case-summary')
    expect(own.body).not.toContain('PPE under 3 days')
    // Without the CSRF token nothing changes.
    const officer = new TestClient(t.app)
    await officer.signIn(emails.officerA!)
    const forged = await officer.post(`/cases/${cedar.id}/take-ownership`, {}, { csrf: false })
    expect(forged.statusCode).toBe(403)
    const forgedClose = await officer.post(
      `/cases/${cedar.id}/close`,
      { note: 'x', confirmAlerts: 'yes' },
      { csrf: false },
    )
    expect(forgedClose.statusCode).toBe(403)
    expect(await caseOf(ids['Cedar House']!)).toEqual(before)
    const actionAfter = await t.database.db
      .selectFrom('caseActions')
      .select('status')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow()
    expect(actionAfter.status).toBe('open')
    // A viewer reads the case but has no buttons, and cannot write.
    const viewer = new TestClient(t.app)
    await viewer.signIn(emails.viewerA!)
    const read = await viewer.get(`/cases/${cedar.id}`)
    expect(read.statusCode).toBe(200)
    expect(read.body).not.toContain('Take ownership')
    expect((await viewer.post(`/cases/${cedar.id}/take-ownership`, {})).statusCode).toBe(400)
    expect(await caseOf(ids['Cedar House']!)).toEqual(before)
  })

  it('raises an alert for a red status on the capacity tracker and resolves it on a later non-red one', async () => {
    const db = t.database.db
    const cqc = (
      await db
        .selectFrom('locations')
        .select('cqcLocationId')
        .where('id', '=', ids['Damson House']!)
        .executeTakeFirstOrThrow()
    ).cqcLocationId!
    const by = { userId: null, organisationId: null, scope: { kind: 'everything' } as const }
    const red = await t.services.capacityTracker.importExtract(
      { ...by, fileName: 'tracker-14-april.csv' },
      Buffer.from(
        ['cqcid,lastupdatedbst,maxcapacity,overallstatus', `${cqc},14/04/2020 08:30,40,Red`].join('\n'),
      ),
    )
    expect(red).toMatchObject({ saved: 1, redFlagsRaised: 1, redFlagsCleared: 0 })
    const alert = await db
      .selectFrom('alerts')
      .selectAll()
      .where('locationId', '=', ids['Damson House']!)
      .where('alertKey', '=', 'capacity-tracker')
      .executeTakeFirstOrThrow()
    expect(alert).toMatchObject({ source: 'capacity_tracker', severity: 'red', status: 'open' })
    expect(alert.evidence).toMatchObject({ trackerStatus: 'red', trackerUpdatedOn: '2020-04-14' })
    const damson = await caseOf(ids['Damson House']!)
    expect(alert.caseId).toBe(damson.id)
    // The same red again changes nothing; a bad status is a problem on its row.
    const repeat = await t.services.capacityTracker.importExtract(
      by,
      Buffer.from(`cqcid,ragstatus\n${cqc},RED\n${cqc},blue`),
    )
    expect(repeat.redFlagsRaised).toBe(0)
    expect(repeat.invalid).toEqual([
      { rowNumber: 3, column: 'ragstatus', reason: 'ragstatus must be red, amber or green' },
    ])
    t.clock.advanceMinutes(60 * 24)
    const green = await t.services.capacityTracker.importExtract(
      { ...by, fileName: 'tracker-15-april.csv' },
      Buffer.from(['cqcid,lastupdatedbst,overallstatus', `${cqc},15/04/2020 08:30,Green`].join('\n')),
    )
    expect(green).toMatchObject({ redFlagsRaised: 0, redFlagsCleared: 1 })
    const after = await db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alert.id)
      .executeTakeFirstOrThrow()
    expect(after.status).toBe('resolved')
    expect(after.resolutionNote).toContain('tracker-15-april.csv')
    expect(after.resolutionNote).toContain('shows green')
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
  })

  it('lets only one of two partners take an unowned case when both try at once', async () => {
    const db = t.database.db
    const { loadActor } = await import('../../src/modules/access/actor.repository.ts')
    const ipc = await createOrganisation(db, 'infection_control_team', 'Race IPC Team')
    await linkPartner(db, ipc, ids.councilA!)
    const nurse = await createUser(db, ipc, 'partner_officer')
    const home = await createLocation(db, ids.provider!, ids.councilA!, { name: 'Race House' })
    const raised = await raise(home, 'ppe-red', 'red', '2020-04-14T07:00:00Z')
    const [first, second] = await Promise.all([
      t.services.casework.takeOwnership((await loadActor(db, ids.partnerA!))!.actor, raised.caseId),
      t.services.casework.takeOwnership((await loadActor(db, nurse.id))!.actor, raised.caseId),
    ])
    expect([first?.ok, second?.ok].filter(Boolean)).toHaveLength(1)
    const loser = first?.ok ? second : first
    expect(loser).toEqual({
      ok: false,
      errors: { takeOwnership: 'This case is owned by another organisation: ask them to pass it to you' },
    })
    const events = await db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', raised.caseId)
      .where('kind', '=', 'ownership_taken')
      .execute()
    expect(events).toHaveLength(1)
  })

  it('e-mails thirty red alerts raised together as one digest per recipient', async () => {
    const db = t.database.db
    // Earlier red alerts in this file go out first, so this test starts from a clean slate.
    await notifyNewRedAlerts(db, t.clock, 'http://carehub.test')
    await db.deleteFrom('outboxMessages').execute()
    const council = await createOrganisation(db, 'council', 'Digest Council', { onsCode: 'E10000073' })
    const ccg = await createOrganisation(db, 'nhs_commissioner', 'Digest CCG')
    await linkPartner(db, ccg, council)
    const officers = [
      await createUser(db, council, 'council_officer'),
      await createUser(db, council, 'council_officer'),
    ]
    const partnerOfficer = await createUser(db, ccg, 'partner_officer')
    await createUser(db, council, 'viewer')
    const homes: string[] = []
    for (let i = 0; i < 30; i++)
      homes.push(
        await createLocation(db, ids.provider!, council, {
          name: `Digest Home ${String(i).padStart(2, '0')}`,
        }),
      )
    // One home's case is already the CCG's: its alert goes to the CCG's officers instead.
    const owned = await raise(homes[0]!, 'absence-amber', 'amber', '2020-04-14T07:00:00Z')
    await db
      .updateTable('cases')
      .set({ owningOrganisationId: ccg, status: 'owned' })
      .where('id', '=', owned.caseId)
      .execute()
    for (const home of homes)
      await raise(home, 'ppe-red', 'red', '2020-04-14T07:59:00Z', { lowestPpeDays: 1 })
    // An amber alert is not e-mailed.
    const result = await notifyNewRedAlerts(db, t.clock, 'http://carehub.test')
    expect(result).toEqual({ alerts: 30, emails: 3 })
    const messages = await db
      .selectFrom('outboxMessages')
      .select(['toAddress', 'subject', 'body'])
      .orderBy('toAddress')
      .execute()
    expect(messages.map((m) => m.toAddress).sort()).toEqual(
      [...officers.map((o) => o.email), partnerOfficer.email].sort(),
    )
    for (const officer of officers) {
      const mail = messages.find((m) => m.toAddress === officer.email)!
      expect(mail.subject).toBe('29 new red alerts in CareHub')
      expect(mail.body.match(/PPE under 3 days/g)).toHaveLength(29)
      expect(mail.body).toContain('Digest Home 29')
      expect(mail.body).not.toContain('Digest Home 00')
    }
    const ccgMail = messages.find((m) => m.toAddress === partnerOfficer.email)!
    expect(ccgMail.subject).toBe('Red alert: Digest Home 00: PPE under 3 days')
    expect(ccgMail.body).toContain(`http://carehub.test/cases/${owned.caseId}`)
    // Nothing is sent twice.
    expect(await notifyNewRedAlerts(db, t.clock, 'http://carehub.test')).toEqual({ alerts: 0, emails: 0 })
  })
})
