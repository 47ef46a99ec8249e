import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { caseIn, caseworkMarket, raiseIn } from '../../../test/support/casework-market.ts'
import {
  createLocation,
  createOrganisation,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { notifyNewRedAlerts } from './alert-notifications.ts'

// Alerts arriving (intelligence, the capacity tracker) and e-mailed, and who may not see or touch a case.
describe.each(engines)('casework alerts and access on %s', (engine) => {
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
      { rowNumber: 3, cqcLocationId: cqc, column: 'ragstatus', reason: 'ragstatus must be red, amber or green' },
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
    const ipc = await createOrganisation(db, 'infection_control_team', 'Race IPC Team')
    await linkPartner(db, ipc, ids.councilA!)
    const nurse = await createUser(db, ipc, 'partner_officer')
    const home = await createLocation(db, ids.provider!, ids.councilA!, { name: 'Race House' })
    const raised = await raise(home, 'ppe-red', 'red', '2020-04-14T07:00:00Z')
    const [first, second] = await Promise.all([
      t.services.casework.takeOwnership(await actorFor(db, ids.partnerA!), raised.caseId),
      t.services.casework.takeOwnership(await actorFor(db, nurse.id), raised.caseId),
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
