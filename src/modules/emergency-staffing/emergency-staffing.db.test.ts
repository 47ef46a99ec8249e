import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
describe.each(engines)('emergency staffing on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Northmoor Staffing Council', {
      onsCode: 'E10000081',
    })
    ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Staffing Council', {
      onsCode: 'E10000083',
    })
    ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Staffing CCG')
    await linkPartner(db, ids.ccg, ids.council)
    ids.provider = await createProvider(db, 'Elm Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Elm Care Ltd', { providerId: ids.provider })
    ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Elm House' })
    for (const [key, org, role] of [
      ['officer', ids.council, 'council_officer'],
      ['admin', ids.council, 'admin'],
      ['colleague', ids.council, 'council_officer'],
      ['finance', ids.council, 'finance_officer'],
      ['partner', ids.ccg, 'partner_officer'],
      ['manager', ids.providerOrg, 'provider_manager'],
      ['otherOfficer', ids.otherCouncil, 'council_officer'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
    // Another council's staffing team, to show it sees none of this council's pool.
    await db
      .insertInto('staffingTeamMembers')
      .values({ userId: ids.otherOfficer!, councilId: ids.otherCouncil!, addedBy: null, addedAt: new Date() })
      .execute()
    // A small budget, so that a second deployment overspends it.
    ids.budget = (
      await db
        .insertInto('staffingBudgets')
        .values({
          councilId: ids.council,
          name: 'Emergency staffing fund',
          allocationPence: 20_000,
          createdAt: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  })
  afterAll(async () => {
    await t?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const count = async (table: 'staffingRequests' | 'staffingPoolPeople' | 'staffingDeployments') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const nameOf = async (userId: string) =>
    (
      await t.database.db
        .selectFrom('users')
        .select('displayName')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).displayName
  const errorsOf = (body: string) => {
    const $ = load(body)
    return $('.govuk-error-summary a')
      .map((_, a) => $(a).text().trim())
      .get()
  }
  const request = {
    reason: 'isolation',
    urgency: 'within_24_hours',
    shift1Role: 'care_worker',
    'shift1Date-day': '15',
    'shift1Date-month': '4',
    'shift1Date-year': '2020',
    shift1Start: '08:00',
    shift1End: '16:00',
    shift1People: '2',
  }
  const expiry = (field: string, iso: string) => {
    const [y, m, d] = iso.split('-')
    return {
      [`${field}-day`]: String(Number(d)),
      [`${field}-month`]: String(Number(m)),
      [`${field}-year`]: y!,
    }
  }
  const person = (name: string, role: string, trainingExpires: string) => ({
    name,
    employer: 'Council staff bank',
    role,
    ...expiry('dbsExpires', '2021-01-01'),
    ...expiry('rightToWorkExpires', '2022-01-01'),
    ...expiry('trainingExpires', trainingExpires),
    ...expiry('availableFrom', '2020-04-14'),
    ...expiry('availableTo', '2020-04-20'),
  })

  it('lets a provider ask for staff, after checking, and refuses a shift ending before it starts', async () => {
    const manager = await signedIn('manager')
    const url = `/staffing/requests/new?locationId=${ids.location}`
    expect((await manager.get(url)).statusCode).toBe(200)
    const before = await count('staffingRequests')
    const bad = await manager.post(url, {
      ...request,
      locationId: ids.location!,
      shift1End: '07:00',
      action: 'check',
    })
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'Shift 1 end time must be after its start time, or select ‘Ends the next day’',
    ])
    expect(load(bad.body)('#shift1End').attr('aria-describedby')).toContain('shift1End-error')
    const check = await manager.post(url, { ...request, locationId: ids.location!, action: 'check' })
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('h1').text()).toBe('Check the request before sending it')
    expect(await count('staffingRequests')).toBe(before)
    const sent = await manager.post(url, { ...request, locationId: ids.location!, action: 'send' })
    expect(sent.statusCode).toBe(302)
    expect(await count('staffingRequests')).toBe(before + 1)
    const page = await manager.get(sent.headers.location as string)
    expect(page.body).toContain('0 of 2 places filled')
    expect(page.body).not.toContain('Budget balance')
  })

  it('keeps the pool to the staffing team, whose members an admin or a staffing lead adds and removes', async () => {
    const pages = ['/staffing/pool', '/staffing/pool/new', '/staffing/budgets', '/staffing/budgets/new']
    const officer = await signedIn('officer')
    // The role alone lets an officer ask for staff and read requests, but not see the pool.
    expect((await officer.get('/staffing/requests')).statusCode).toBe(200)
    for (const url of [...pages, '/staffing/team'])
      expect((await officer.get(url)).statusCode, `officer before joining ${url}`).toBe(404)
    const admin = await signedIn('admin')
    expect((await admin.get('/staffing/team')).statusCode).toBe(200)
    expect((await admin.get('/staffing/pool')).statusCode).toBe(404)
    for (const change of ['add', 'lead'])
      expect((await admin.post('/staffing/team', { userId: ids.officer!, change })).statusCode).toBe(303)
    for (const url of [...pages, '/staffing/team'])
      expect((await officer.get(url)).statusCode, `officer in the team ${url}`).toBe(200)
    // A lead adds and removes members, but only an administrator names leads.
    expect((await officer.post('/staffing/team', { userId: ids.colleague!, change: 'add' })).statusCode).toBe(
      303,
    )
    const colleague = await signedIn('colleague')
    expect((await colleague.get('/staffing/pool')).statusCode).toBe(200)
    const notLead = await officer.post('/staffing/team', { userId: ids.colleague!, change: 'lead' })
    expect(notLead.statusCode).toBe(400)
    expect(errorsOf(notLead.body)).toEqual([
      `${await nameOf(ids.colleague!)}: Only an administrator can name a staffing lead`,
    ])
    // A member who is not a lead cannot change the team; another council's lead cannot either.
    expect(
      (await colleague.post('/staffing/team', { userId: ids.officer!, change: 'remove' })).statusCode,
    ).toBe(404)
    expect(
      (await officer.post('/staffing/team', { userId: ids.colleague!, change: 'remove' })).statusCode,
    ).toBe(303)
    for (const url of pages) expect((await colleague.get(url)).statusCode, `after removal ${url}`).toBe(404)
    const changes = await t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId', 'entityId'])
      .where('action', 'like', 'staffing-team-%')
      .execute()
    const key = (c: (string | null | undefined)[]) => c.join(' ')
    expect(changes.map((c) => key([c.action, c.actorUserId, c.entityId])).sort()).toEqual(
      [
        ['staffing-team-member-added', ids.admin, ids.officer],
        ['staffing-team-lead-named', ids.admin, ids.officer],
        ['staffing-team-member-added', ids.officer, ids.colleague],
        ['staffing-team-member-removed', ids.officer, ids.colleague],
      ]
        .map(key)
        .sort(),
    )
  })

  it('shows the pool to the staffing team only, and audits every view with who and when', async () => {
    for (const who of ['finance', 'partner', 'manager', 'colleague']) {
      const client = await signedIn(who)
      for (const url of ['/staffing/pool', '/staffing/pool/new', '/staffing/budgets'])
        expect((await client.get(url)).statusCode, `${who} ${url}`).toBe(404)
    }
    const officer = await signedIn('officer')
    const before = await count('staffingPoolPeople')
    const noExpiry = await officer.post('/staffing/pool/new', {
      ...person('Nia Roberts', 'care_worker', '2020-09-01'),
      'dbsExpires-day': '',
      'dbsExpires-month': '',
      'dbsExpires-year': '',
    })
    expect(noExpiry.statusCode).toBe(400)
    expect(errorsOf(noExpiry.body)).toEqual(['Enter the date the DBS check expires'])
    expect(await count('staffingPoolPeople')).toBe(before)
    for (const [name, role, training] of [
      ['Amira Begum', 'care_worker', '2020-09-01'],
      ['Ben Carter', 'senior_carer', '2020-09-01'],
      ['Ella Fraser', 'care_worker', '2020-04-14'],
      ['Grace Ibekwe', 'cook', '2020-09-01'],
    ] as const) {
      const added = await officer.post('/staffing/pool/new', person(name, role, training))
      expect(added.statusCode, name).toBe(302)
      ids[name] = (added.headers.location as string).split('/').pop()!.split('?')[0]!
    }
    const pool = await officer.get('/staffing/pool')
    expect(pool.statusCode).toBe(200)
    expect(pool.body).toContain('Amira Begum')
    expect((await officer.get(`/staffing/pool/${ids['Amira Begum']}`)).statusCode).toBe(200)
    const views = await t.database.db
      .selectFrom('auditEvents')
      .select(['action', 'actorUserId', 'entityId', 'occurredAt'])
      .where('action', 'in', ['staffing-pool-viewed', 'staffing-pool-person-viewed'])
      .execute()
    expect(views.map((v) => [v.action, v.actorUserId])).toEqual(
      expect.arrayContaining([
        ['staffing-pool-viewed', ids.officer],
        ['staffing-pool-person-viewed', ids.officer],
      ]),
    )
    expect(views.every((v) => v.occurredAt instanceof Date)).toBe(true)
  })

  it('offers only people qualified, free and checked, and asks before overspending the budget', async () => {
    const officer = await signedIn('officer')
    const requestId = (
      await t.database.db.selectFrom('staffingRequests').select('id').executeTakeFirstOrThrow()
    ).id
    const shiftId = (
      await t.database.db
        .selectFrom('staffingRequestShifts')
        .select('id')
        .where('requestId', '=', requestId)
        .executeTakeFirstOrThrow()
    ).id
    const matches = await officer.get(`/staffing/shifts/${shiftId}/matches`)
    expect(matches.statusCode).toBe(200)
    const offered = load(matches.body)('input[name=personId]')
      .map((_, i) => load(matches.body)(i).attr('value'))
      .get()
    // The cook does not do the role; Ella's training expired the day before the shift.
    expect(offered.sort()).toEqual([ids['Amira Begum'], ids['Ben Carter']].sort())
    expect((await (await signedIn('partner')).get(`/staffing/shifts/${shiftId}/matches`)).statusCode).toBe(
      404,
    )

    const deploy = (personId: string, extra: Record<string, string> = {}) =>
      officer.post(`/staffing/shifts/${shiftId}/deploy`, {
        personId,
        budgetId: ids.budget!,
        hourlyRate: '15',
        ...extra,
      })
    const unoffered = await deploy(ids['Ella Fraser']!, { action: 'check' })
    expect(unoffered.statusCode).toBe(400)
    expect(errorsOf(unoffered.body)).toEqual([
      'Select a person who is free, qualified and checked for this shift',
    ])
    // 8 hours at £15 = £120 of the £200: no overspend.
    const first = await deploy(ids['Amira Begum']!, { action: 'confirm' })
    expect(first.statusCode).toBe(302)
    // Another £120 would leave −£40: the check page asks, and nothing is saved until confirmed.
    const check = await deploy(ids['Ben Carter']!, { action: 'check' })
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('.govuk-warning-text').text()).toContain(
      'overspend Emergency staffing fund by £40.00',
    )
    const unconfirmed = await deploy(ids['Ben Carter']!, { action: 'confirm' })
    expect(unconfirmed.statusCode).toBe(400)
    expect(errorsOf(unconfirmed.body)).toEqual([
      'Confirm that the budget may be overspent, or choose another budget',
    ])
    expect(await count('staffingDeployments')).toBe(1)
    const confirmed = await deploy(ids['Ben Carter']!, { action: 'confirm', overspendConfirmed: 'yes' })
    expect(confirmed.statusCode).toBe(302)
    const rows = await t.database.db
      .selectFrom('staffingDeployments')
      .select(['personId', 'costPence', 'overspendConfirmedByUserId'])
      .orderBy('deployedAt')
      .execute()
    expect(rows.map((r) => [Number(r.costPence), r.overspendConfirmedByUserId])).toEqual([
      [12_000, null],
      [12_000, ids.officer],
    ])
    // The balance shown is the allocation less the recorded deployments' costs.
    const page = await officer.get(`/staffing/requests/${requestId}`)
    expect(load(page.body)('#budget-balance').text()).toContain('overspent by £40.00')
    expect(page.body).toContain('2 of 2 places filled')
    // A cancelled deployment costs nothing, and the balance goes back up.
    const benId = (
      await t.database.db
        .selectFrom('staffingDeployments')
        .select('id')
        .where('personId', '=', ids['Ben Carter']!)
        .executeTakeFirstOrThrow()
    ).id
    expect((await officer.post(`/staffing/deployments/${benId}/cancel`, {})).statusCode).toBe(302)
    expect(load((await officer.get(`/staffing/budgets`)).body)('.govuk-summary-card').text()).toContain(
      '£80.00 left',
    )
    // Closing part filled needs the reason.
    const noReason = await officer.post(`/staffing/requests/${requestId}/close`, { outcomeReason: '' })
    expect(noReason.statusCode).toBe(400)
    expect(errorsOf(noReason.body)).toEqual(['Enter why the request could not be filled in full'])
    const closed = await officer.post(`/staffing/requests/${requestId}/close`, {
      outcomeReason: 'Only one carer free',
    })
    expect(closed.statusCode).toBe(302)
    const status = await t.database.db
      .selectFrom('staffingRequests')
      .select(['status', 'outcomeReason'])
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow()
    expect(status).toEqual({ status: 'part_filled', outcomeReason: 'Only one carer free' })
    // The shift worked: 7.5 hours at £15 costs £112.50, and the balance follows.
    const amiraId = (
      await t.database.db
        .selectFrom('staffingDeployments')
        .select('id')
        .where('personId', '=', ids['Amira Begum']!)
        .executeTakeFirstOrThrow()
    ).id
    const badHours = await officer.post(`/staffing/deployments/${amiraId}/worked`, { hoursWorked: 'seven' })
    expect(badHours.statusCode).toBe(400)
    expect(errorsOf(badHours.body)).toEqual(['Hours worked must be a number of hours up to 24, like 7.5'])
    expect(
      (await officer.post(`/staffing/deployments/${amiraId}/worked`, { hoursWorked: '7.5' })).statusCode,
    ).toBe(302)
    expect(load((await officer.get('/staffing/budgets')).body)('.govuk-summary-card').text()).toContain(
      '£87.50 left',
    )
    // Another council's staffing team sees none of it.
    const other = await signedIn('otherOfficer')
    for (const url of [
      `/staffing/requests/${requestId}`,
      `/staffing/shifts/${shiftId}/matches`,
      `/staffing/pool/${ids['Amira Begum']}`,
    ])
      expect((await other.get(url)).statusCode, url).toBe(404)
    expect((await other.get('/staffing/pool')).body).not.toContain('Amira Begum')
    const figures = await officer.get('/staffing/figures')
    expect(figures.statusCode).toBe(200)
    expect(figures.body).toContain('<svg')
  })
  it('sets up a named budget from a form, checked first, and always shows its balance', async () => {
    const officer = await signedIn('officer')
    const budgetCount = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('staffingBudgets')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await budgetCount()
    const form = await officer.get('/staffing/budgets/new')
    expect(form.statusCode).toBe(200)
    expect(load(form.body)('form[action="/staffing/budgets/new"] input[name=_csrf]').length).toBe(1)
    const bad = await officer.post('/staffing/budgets/new', {
      name: '',
      allocation: '50,00',
      action: 'check',
    })
    expect(bad.statusCode).toBe(400)
    expect(errorsOf(bad.body)).toEqual([
      'Enter the budget’s name, like ICF tranche 2 retained',
      'Allocation must be an amount in pounds, like 50,000 or 50000.00',
    ])
    expect(load(bad.body)('#allocation').attr('aria-describedby')).toContain('allocation-error')
    const taken = await officer.post('/staffing/budgets/new', {
      name: 'emergency staffing fund',
      allocation: '100',
      action: 'add',
    })
    expect(errorsOf(taken.body)).toEqual(['There is already a budget called emergency staffing fund'])
    const values = { name: 'ICF tranche 2 retained', allocation: '£50,000' }
    const check = await officer.post('/staffing/budgets/new', { ...values, action: 'check' })
    expect(check.statusCode).toBe(200)
    expect(load(check.body)('h1').text()).toBe('Check the budget before adding it')
    expect(check.body).toContain('£50,000.00')
    expect(await budgetCount()).toBe(before)
    // Someone outside the staffing team cannot add one, even by posting the form.
    const outsider = await signedIn('colleague')
    expect((await outsider.post('/staffing/budgets/new', { ...values, action: 'add' })).statusCode).toBe(404)
    const added = await officer.post('/staffing/budgets/new', { ...values, action: 'add' })
    expect(added.statusCode).toBe(303)
    expect(await budgetCount()).toBe(before + 1)
    const row = await t.database.db
      .selectFrom('staffingBudgets')
      .select(['id', 'councilId', 'allocationPence'])
      .where('name', '=', 'ICF tranche 2 retained')
      .executeTakeFirstOrThrow()
    expect([row.councilId, Number(row.allocationPence)]).toEqual([ids.council, 5_000_000])
    ids.icf = row.id
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'after'])
      .where('action', '=', 'staffing-budget-created')
      .where('entityId', '=', row.id)
      .executeTakeFirstOrThrow()
    expect(audit.actorUserId).toBe(ids.officer)
    expect(audit.after).toEqual({ name: 'ICF tranche 2 retained', allocationPence: 5_000_000 })
    const page = load((await officer.get(added.headers.location as string)).body)
    expect(page('.govuk-notification-banner').text()).toContain('Budget added: ICF tranche 2 retained')
    const card = page('.govuk-summary-card').filter((_, c) =>
      page(c).text().includes('ICF tranche 2 retained'),
    )
    expect(card.text()).toContain('£50,000.00 left')
  })

  it('takes a night shift ending the next morning, and matches it by time and by both its dates', async () => {
    const officer = await signedIn('officer')
    // A nurse whose training runs out on the night's first day: fine for a day shift, not for the night.
    const dai = await officer.post('/staffing/pool/new', person('Dai Morgan', 'nurse', '2020-04-15'))
    expect(dai.statusCode).toBe(302)
    ids['Dai Morgan'] = (dai.headers.location as string).split('/').pop()!.split('?')[0]!
    const url = `/staffing/requests/new?locationId=${ids.location}`
    const night = {
      ...request,
      locationId: ids.location!,
      shift1Start: '20:00',
      shift1End: '08:00',
      shift1People: '1',
      shift2Role: 'care_worker',
      'shift2Date-day': '16',
      'shift2Date-month': '4',
      'shift2Date-year': '2020',
      shift2Start: '07:00',
      shift2End: '15:00',
      shift2People: '1',
    }
    const before = await count('staffingRequests')
    const noMarker = await officer.post(url, { ...night, action: 'send' })
    expect(noMarker.statusCode).toBe(400)
    expect(errorsOf(noMarker.body)).toEqual([
      'Shift 1 end time must be after its start time, or select ‘Ends the next day’',
    ])
    expect(await count('staffingRequests')).toBe(before)
    const check = await officer.post(url, { ...night, shift1NextDay: 'yes', action: 'check' })
    expect(check.statusCode).toBe(200)
    expect(check.body).toContain('Wednesday 15 April 2020, 20:00 to 08:00 the next day')
    const sent = await officer.post(url, { ...night, shift1NextDay: 'yes', action: 'send' })
    expect(sent.statusCode).toBe(302)
    const requestId = (sent.headers.location as string).split('/').pop()!.split('?')[0]!
    const shifts = await t.database.db
      .selectFrom('staffingRequestShifts')
      .select(['id', 'shiftOn', 'startsMinute', 'endsMinute'])
      .where('requestId', '=', requestId)
      .orderBy('shiftOn')
      .execute()
    expect(shifts.map((s) => [s.shiftOn, s.startsMinute, s.endsMinute])).toEqual([
      ['2020-04-15', 1200, 1920],
      ['2020-04-16', 420, 900],
    ])
    const offeredFor = async (shiftId: string) => {
      const $ = load((await officer.get(`/staffing/shifts/${shiftId}/matches`)).body)
      return $('input[name=personId]')
        .map((_, i) => $(i).attr('value'))
        .get()
    }
    // Amira worked 08:00 to 16:00 that day: free again for the night. Dai's training ends at midnight.
    const forNight = await offeredFor(shifts[0]!.id)
    expect(forNight).toContain(ids['Amira Begum'])
    expect(forNight).not.toContain(ids['Dai Morgan'])
    const deployed = await officer.post(`/staffing/shifts/${shifts[0]!.id}/deploy`, {
      personId: ids['Amira Begum']!,
      budgetId: ids.icf!,
      hourlyRate: '15',
      action: 'confirm',
    })
    expect(deployed.statusCode, errorsOf(deployed.body).join()).toBe(302)
    // 12 hours at £15, against the new budget.
    const cost = await t.database.db
      .selectFrom('staffingDeployments')
      .select('costPence')
      .where('shiftId', '=', shifts[0]!.id)
      .executeTakeFirstOrThrow()
    expect(Number(cost.costPence)).toBe(18_000)
    // On the night until 08:00, Amira is not offered for the next morning's 07:00 shift; Ben is.
    const forMorning = await offeredFor(shifts[1]!.id)
    expect(forMorning).not.toContain(ids['Amira Begum'])
    expect(forMorning).toContain(ids['Ben Carter'])
    const page = await officer.get(`/staffing/requests/${requestId}`)
    expect(page.body).toContain('20:00 to 08:00 the next day')
  })
})
