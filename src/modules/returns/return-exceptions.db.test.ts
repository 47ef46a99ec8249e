import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { measuresForLocations } from '../early-warning/index.ts'
import { sendReturnReminders } from './completeness.service.ts'

// Issue 19, acceptance 2: an agreed later deadline makes a return 90 minutes after the usual deadline on
// time, keeps the reminder away, and the completeness page says so; without it the same return is late.
// 14 April 2020 is in British Summer Time: the usual 11:00 deadline is 10:00 UTC.
describe.each(engines)('agreed exceptions to returns on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Exceptions Council', { onsCode: 'E10000091' })
    ids.otherCouncil = await createOrganisation(db, 'council', 'Other Council', { onsCode: 'E10000092' })
    ids.provider = await createProvider(db, 'Exception Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Exception Care Ltd', {
      providerId: ids.provider,
    })
    ids.extended = await createLocation(db, ids.provider, ids.council, { name: 'Extended House', beds: 40 })
    ids.usual = await createLocation(db, ids.provider, ids.council, { name: 'Usual House', beds: 40 })
    ids.quiet = await createLocation(db, ids.provider, ids.council, { name: 'Quiet House', beds: 40 })
    ids.exempt = await createLocation(db, ids.provider, ids.council, { name: 'Exempt House', beds: 40 })
    // Contracted by the other council, but not in its area: not its officers' to change.
    ids.contracted = await createLocation(db, ids.provider, ids.council, {
      name: 'Contracted House',
      contractedBy: [ids.otherCouncil],
    })
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    emails.otherOfficer = (await createUser(db, ids.otherCouncil, 'council_officer')).email
    emails.viewer = (await createUser(db, ids.council, 'viewer')).email
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const laterDeadline = {
    kind: 'later-deadline',
    extraHours: '2',
    'startsDate-day': '14',
    'startsDate-month': '4',
    'startsDate-year': '2020',
    'lastDate-day': '',
    'lastDate-month': '',
    'lastDate-year': '',
    reason: 'The manager reports after the morning medicines round',
  }
  const grant = async (officer: TestClient, locationId: string, form: Record<string, string>) => {
    await officer.get(`/locations/${locationId}/return-exceptions/new`)
    return officer.post(`/locations/${locationId}/return-exceptions/new`, { ...form, action: 'confirm' })
  }
  const timingOf = async (locationId: string) =>
    (
      await t.database.db
        .selectFrom('situationReturns')
        .select('timing')
        .where('locationId', '=', locationId)
        .where('isCurrent', '=', true)
        .executeTakeFirstOrThrow()
    ).timing

  it('grants a later deadline: checked first, bad input named field by field, nothing half-saved', async () => {
    t.clock.set(new Date('2020-04-14T08:00:00Z'))
    const db = t.database.db
    const officer = await signedIn('officer')
    expect((await officer.get(`/locations/${ids.extended}/return-exceptions/new`)).statusCode).toBe(200)
    const bad = await officer.post(`/locations/${ids.extended}/return-exceptions/new`, {
      ...laterDeadline,
      extraHours: 'two',
      'startsDate-day': '31',
      'startsDate-month': '2',
      reason: '',
      action: 'check',
    })
    expect(bad.statusCode).toBe(400)
    const summary = load(bad.body)('.govuk-error-summary')
    expect(summary.text()).toContain('Hours later must be a whole number from 1 to 720')
    expect(summary.text()).toContain('Enter the first day as a real date')
    expect(summary.text()).toContain('Enter why the exception is agreed')
    expect(summary.find('a[href="#startsDate-day"]').length).toBe(1)
    // Confirming bad input saves nothing either.
    expect((await grant(officer, ids.extended!, { ...laterDeadline, reason: '' })).statusCode).toBe(400)
    expect(await db.selectFrom('returnExceptions').select('id').execute()).toEqual([])

    const check = await officer.post(`/locations/${ids.extended}/return-exceptions/new`, {
      ...laterDeadline,
      action: 'check',
    })
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('dl').text()).toContain('Due 2 hours later than usual from 14 April 2020')
    expect(await db.selectFrom('returnExceptions').select('id').execute()).toEqual([])
    const saved = await officer.post(`/locations/${ids.extended}/return-exceptions/new`, {
      ...laterDeadline,
      action: 'confirm',
    })
    expect(saved.statusCode).toBe(302)
    expect(saved.headers.location).toBe(`/locations/${ids.extended}/return-exceptions?granted=1`)
    expect((await grant(officer, ids.quiet!, laterDeadline)).statusCode).toBe(302)
    const audit = await db
      .selectFrom('auditEvents')
      .select(['entityType', 'after'])
      .where('action', '=', 'return-exception-granted')
      .execute()
    expect(audit).toHaveLength(2)
    expect(audit[0]!.after).toMatchObject({ kind: 'later-deadline', extraHours: 2, startsOn: '2020-04-14' })

    // Only the location's own council's officers: not another council's (even one contracting with it),
    // nor a viewer; the provider sees it but cannot change it.
    const other = await signedIn('otherOfficer')
    expect((await other.get(`/locations/${ids.contracted}/return-exceptions/new`)).statusCode).toBe(404)
    expect(
      (await other.post(`/locations/${ids.contracted}/return-exceptions/new`, laterDeadline)).statusCode,
    ).toBe(404)
    const viewer = await signedIn('viewer')
    expect((await viewer.get(`/locations/${ids.extended}/return-exceptions/new`)).statusCode).toBe(404)
    const manager = await signedIn('manager')
    expect((await manager.get(`/locations/${ids.extended}/return-exceptions/new`)).statusCode).toBe(404)
    const list = load((await manager.get(`/locations/${ids.extended}/return-exceptions`)).body)
    expect(list('tbody').text()).toContain('Due 2 hours later than usual')
    expect(list('tbody').text()).toContain('The manager reports after the morning medicines round')
    const form = load((await manager.get(`/locations/${ids.extended}/returns/new`)).body)
    expect(form('.govuk-inset-text').text()).toContain(
      'Agreed with the council: Due 2 hours later than usual',
    )
  })

  it('90 minutes after the usual deadline: on time with the exception, late without; reminders only without', async () => {
    // 12:00 in London: an hour after the usual deadline, an hour before Extended and Quiet House's.
    t.clock.set(new Date('2020-04-14T11:00:00Z'))
    const db = t.database.db
    expect(await sendReturnReminders(db, t.clock, 'http://carehub.test')).toEqual({ reminded: 3, emails: 3 })
    const reminded = await db
      .selectFrom('returnReminders')
      .select('locationId')
      .where('periodStart', '=', '2020-04-14')
      .execute()
    expect(new Set(reminded.map((r) => r.locationId))).toEqual(
      new Set([ids.usual, ids.exempt, ids.contracted]),
    )

    // 12:30 in London: 90 minutes after the usual deadline.
    t.clock.set(new Date('2020-04-14T11:30:00Z'))
    const manager = await signedIn('manager')
    for (const id of [ids.extended!, ids.usual!]) {
      const sent = await manager.post(`/locations/${id}/returns/check`, {
        ...fullReturn,
        periodStart: '2020-04-14',
        action: 'submit',
      })
      expect(sent.statusCode).toBe(302)
    }
    expect(await timingOf(ids.extended!)).toBe('on-time')
    expect(await timingOf(ids.usual!)).toBe('late')

    // 13:30: past Quiet House's later deadline, so now it is reminded; Extended House, which reported, never.
    t.clock.set(new Date('2020-04-14T12:30:00Z'))
    expect(await sendReturnReminders(db, t.clock, 'http://carehub.test')).toEqual({ reminded: 1, emails: 1 })
    const all = await db
      .selectFrom('returnReminders')
      .select('locationId')
      .where('periodStart', '=', '2020-04-14')
      .execute()
    expect(all.map((r) => r.locationId)).not.toContain(ids.extended)
    expect(all.map((r) => r.locationId)).toContain(ids.quiet)

    const officer = await signedIn('officer')
    const page = load((await officer.get('/returns/completeness?frequency=daily&date=2020-04-14')).body)
    const totals = page('tbody tr:contains("All")')
      .first()
      .find('td')
      .map((_, td) => load(td).text().trim())
      .get()
    // Expected, on time, late, missing, reported: Extended on time, Usual late; Quiet, Exempt, Contracted missing.
    expect(totals).toEqual(['5', '1', '1', '3', '40%'])
    // The rows tagged Missing: the three without a return, not the two that sent one.
    const missing = page('#locations-list tbody tr:contains("Missing")').text()
    for (const name of ['Quiet House', 'Exempt House', 'Contracted House']) expect(missing).toContain(name)
    expect(missing).not.toContain('Extended House')
    expect(missing).not.toContain('Usual House')
  })

  it('an exemption: not expected, not reminded, not "without a return"; ended with a reason, kept in the list', async () => {
    const db = t.database.db
    t.clock.set(new Date('2020-04-14T13:00:00Z'))
    const officer = await signedIn('officer')
    const exempt = {
      kind: 'exempt',
      extraHours: '',
      'startsDate-day': '15',
      'startsDate-month': '4',
      'startsDate-year': '2020',
      'lastDate-day': '',
      'lastDate-month': '',
      'lastDate-year': '',
      reason: 'Closed for refurbishment',
    }
    const noLastDay = await grant(officer, ids.exempt!, exempt)
    expect(noLastDay.statusCode).toBe(400)
    expect(load(noLastDay.body)('.govuk-error-summary').text()).toContain(
      'Enter the last day no return is expected',
    )
    expect(
      (
        await grant(officer, ids.exempt!, {
          ...exempt,
          'lastDate-day': '16',
          'lastDate-month': '4',
          'lastDate-year': '2020',
        })
      ).statusCode,
    ).toBe(302)

    // 15 April, 12:00 in London: everyone else is past the deadline; Exempt House is not reminded.
    t.clock.set(new Date('2020-04-15T11:00:00Z'))
    await officer.signIn(emails.officer!)
    await sendReturnReminders(db, t.clock, 'http://carehub.test')
    const reminded = await db
      .selectFrom('returnReminders')
      .select('locationId')
      .where('periodStart', '=', '2020-04-15')
      .execute()
    expect(reminded.map((r) => r.locationId)).not.toContain(ids.exempt)
    expect(reminded.map((r) => r.locationId)).toContain(ids.usual)
    const manager = await signedIn('manager')
    const home = load((await manager.get('/')).body)
    expect(home('tbody tr:contains("Exempt House")').text()).toContain('No return expected')
    expect(home('tbody tr:contains("Usual House")').text()).toContain('Overdue')
    const page = load((await officer.get('/returns/completeness?frequency=daily&date=2020-04-15')).body)
    expect(page('#exempt').text()).toContain('No return expected (1)')
    expect(page('#exempt + p + ul').text()).toContain('Exempt House')
    // Not expected, so not in the list of those expected to report (which the others are).
    expect(page('#locations-list').text()).toContain('Usual House')
    expect(page('#locations-list').text()).not.toContain('Exempt House')

    // The staleness measure: the exempt days are not periods without a return.
    const measures = await measuresForLocations(db, t.clock.now(), [ids.exempt!, ids.contracted!])
    const of = (id: string) => measures.find((m) => m.locationId === id)!.measures.periodsWithoutReturn
    expect(of(ids.exempt!)).toBe(0)
    expect(of(ids.contracted!)).toBeGreaterThan(1)

    const [row] = await db
      .selectFrom('returnExceptions')
      .select('id')
      .where('locationId', '=', ids.exempt!)
      .execute()
    await officer.get(`/return-exceptions/${row!.id}/end`)
    const noReason = await officer.post(`/return-exceptions/${row!.id}/end`, { endReason: ' ' })
    expect(noReason.statusCode).toBe(400)
    expect(load(noReason.body)('.govuk-error-summary').text()).toContain('Enter why the exception is ending')
    const ended = await officer.post(`/return-exceptions/${row!.id}/end`, { endReason: 'Reopened early' })
    expect(ended.statusCode).toBe(302)
    const kept = await db
      .selectFrom('returnExceptions')
      .selectAll()
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow()
    expect(kept).toMatchObject({
      endedFrom: '2020-04-15',
      endReason: 'Reopened early',
      lastDay: '2020-04-16',
    })
    const audit = await db
      .selectFrom('auditEvents')
      .select(['before', 'after'])
      .where('action', '=', 'return-exception-ended')
      .executeTakeFirstOrThrow()
    expect(audit.before).toMatchObject({ endedAt: null })
    expect(audit.after).toMatchObject({ endReason: 'Reopened early' })
    // From today it no longer applies: Exempt House is expected (and missing) on the 15th again.
    const after = load((await officer.get('/returns/completeness?frequency=daily&date=2020-04-15')).body)
    expect(after('#exempt').length).toBe(0)
    const list = load((await officer.get(`/locations/${ids.exempt}/return-exceptions`)).body)
    expect(list('tbody').text()).toContain('Ended')
    expect(list('tbody').text()).toContain('Reopened early')
  })

  it('a weekly exemption covers each week it shares a day with: from a Wednesday, to a Tuesday', async () => {
    const db = t.database.db
    const midweek = await createLocation(db, ids.provider!, ids.council!, {
      name: 'Midweek Agency',
      serviceType: 'home_care',
    })
    const weekly = await createLocation(db, ids.provider!, ids.council!, {
      name: 'Weekly Agency',
      serviceType: 'home_care',
    })
    // Tuesday 21 April: no return expected from Wednesday 22 April to Tuesday 28 April.
    t.clock.set(new Date('2020-04-21T08:00:00Z'))
    const officer = await signedIn('officer')
    const granted = await grant(officer, midweek, {
      kind: 'exempt',
      extraHours: '',
      'startsDate-day': '22',
      'startsDate-month': '4',
      'startsDate-year': '2020',
      'lastDate-day': '28',
      'lastDate-month': '4',
      'lastDate-year': '2020',
      reason: 'The office is moving',
    })
    expect(granted.statusCode).toBe(302)

    const reminded = async (periodStart: string) =>
      (
        await db
          .selectFrom('returnReminders')
          .select('locationId')
          .where('periodStart', '=', periodStart)
          .execute()
      ).map((r) => r.locationId)
    const timing = async (locationId: string, periodStart: string) =>
      (
        await db
          .selectFrom('situationReturns')
          .select('timing')
          .where('locationId', '=', locationId)
          .where('periodStart', '=', periodStart)
          .where('isCurrent', '=', true)
          .executeTakeFirstOrThrow()
      ).timing
    // Each week at 13:00 on its Friday (London, BST), an hour past the usual deadline.
    for (const [week, friday] of [
      ['2020-04-20', '2020-04-24'],
      ['2020-04-27', '2020-05-01'],
    ] as const) {
      t.clock.set(new Date(`${friday}T12:00:00Z`))
      await sendReturnReminders(db, t.clock, 'http://carehub.test')
      expect(await reminded(week)).toContain(weekly)
      expect(await reminded(week)).not.toContain(midweek)
      await officer.signIn(emails.officer!)
      const page = load((await officer.get(`/returns/completeness?frequency=weekly&date=${week}`)).body)
      expect(page('#exempt').text()).toContain('No return expected (1)')
      expect(page('#exempt + p + ul').text()).toContain('Midweek Agency')
      const listed = page('#locations-list tbody tr')
      expect(listed.filter(':contains("Weekly Agency")').text()).toContain('Missing')
      expect(listed.filter(':contains("Midweek Agency")').length).toBe(0)
      const measures = await measuresForLocations(db, t.clock.now(), [midweek, weekly])
      const of = (id: string) => measures.find((m) => m.locationId === id)!.measures.periodsWithoutReturn
      expect(of(midweek)).toBe(0)
      // Weekly Agency has never reported before the first week; after it, only the second is without one.
      if (week === '2020-04-27') expect(of(weekly)).toBe(1)
      else expect(of(weekly)).toBeGreaterThan(1)
      // Sent all the same, after the usual deadline: not late for the exempt week.
      const manager = await signedIn('manager')
      for (const id of [midweek, weekly]) {
        await manager.get(`/locations/${id}/returns/nothing-to-report`)
        const sent = await manager.post(`/locations/${id}/returns/nothing-to-report`, {
          nilReason: 'no-people-supported',
        })
        expect(sent.statusCode).toBe(302)
      }
      expect(await timing(midweek, week)).toBe('on-time')
      expect(await timing(weekly, week)).toBe('late')
    }

    // The week after its last day is expected again.
    t.clock.set(new Date('2020-05-08T12:00:00Z'))
    await sendReturnReminders(db, t.clock, 'http://carehub.test')
    expect(await reminded('2020-05-04')).toEqual(expect.arrayContaining([midweek, weekly]))
    await officer.signIn(emails.officer!)
    const nextWeek = load((await officer.get('/returns/completeness?frequency=weekly&date=2020-05-04')).body)
    expect(nextWeek('#exempt').length).toBe(0)
    expect(nextWeek('#locations-list tbody tr:contains("Midweek Agency")').text()).toContain('Missing')
  })
})
