import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../../test/support/test-database.ts'
import { staffingWorld } from './emergency-staffing.test-fixture.ts'

// Requests, the pool, matching, deployments and the budget's balance (the officer is in the staffing team).
describe.each(engines)('emergency staffing on %s', (engine) => {
  const world = staffingWorld()
  const { w, ids, signedIn, count, errorsOf, request, person } = world
  beforeAll(() => world.setUp(engine, { officerInTeam: true }))
  afterAll(() => world.close())

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
    const views = await w.t.database.db
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
      await w.t.database.db.selectFrom('staffingRequests').select('id').executeTakeFirstOrThrow()
    ).id
    const shiftId = (
      await w.t.database.db
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
    const rows = await w.t.database.db
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
    // Seeing who is deployed is a view of the pool's personal data: audited with who and when.
    const seen = await w.t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'occurredAt'])
      .where('action', '=', 'staffing-request-deployments-viewed')
      .where('entityId', '=', requestId)
      .execute()
    expect(seen.map((v) => v.actorUserId)).toContain(ids.officer)
    // A cancelled deployment costs nothing, and the balance goes back up.
    const benId = (
      await w.t.database.db
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
    const status = await w.t.database.db
      .selectFrom('staffingRequests')
      .select(['status', 'outcomeReason'])
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow()
    expect(status).toEqual({ status: 'part_filled', outcomeReason: 'Only one carer free' })
    // The shift worked: 7.5 hours at £15 costs £112.50, and the balance follows.
    const amiraId = (
      await w.t.database.db
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
})
