import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateTo, migrateToLatest } from '../../db/migrate.ts'
import { engines } from '../../../test/support/test-database.ts'
import { staffingWorld } from './emergency-staffing.test-fixture.ts'

// Who is in the staffing team (given per user), setting up a budget, and night shifts.
describe.each(engines)('the staffing team, budgets and night shifts on %s', (engine) => {
  const world = staffingWorld()
  const { w, ids, signedIn, count, nameOf, errorsOf, request, person } = world
  beforeAll(() => world.setUp(engine, { officerInTeam: false }))
  afterAll(() => world.close())

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
    const changes = await w.t.database.db
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

  it('sets up a named budget from a form, checked first, and always shows its balance', async () => {
    const officer = await signedIn('officer')
    const budgetCount = async () =>
      Number(
        (
          await w.t.database.db
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
    const row = await w.t.database.db
      .selectFrom('staffingBudgets')
      .select(['id', 'councilId', 'allocationPence'])
      .where('name', '=', 'ICF tranche 2 retained')
      .executeTakeFirstOrThrow()
    expect([row.councilId, Number(row.allocationPence)]).toEqual([ids.council, 5_000_000])
    ids.icf = row.id
    const audit = await w.t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'after'])
      .where('action', '=', 'staffing-budget-created')
      .where('entityId', '=', row.id)
      .executeTakeFirstOrThrow()
    expect(audit.actorUserId).toBe(ids.officer)
    expect(audit.after).toEqual({ name: 'ICF tranche 2 retained', allocationPence: 5_000_000 })
    const page = load((await officer.get(added.headers.location as string)).body)
    expect(page('.govuk-notification-banner').text()).toContain('Budget added: ICF tranche 2 retained')
    const crafted = `${(added.headers.location as string).split('?')[0]}?added=${encodeURIComponent('ring 0800 000 000')}`
    const forged = load((await officer.get(crafted)).body)
    expect(forged('h1').text()).toContain('budgets')
    expect(forged('.govuk-notification-banner')).toHaveLength(0)
    const card = page('.govuk-summary-card').filter((_, c) =>
      page(c).text().includes('ICF tranche 2 retained'),
    )
    expect(card.text()).toContain('£50,000.00 left')
  })

  it('takes a night shift ending the next morning, and matches it by time and by both its dates', async () => {
    const officer = await signedIn('officer')
    // Dai's training runs out on the night's first day: fine for a day shift, not for the night.
    for (const [name, role, training] of [
      ['Amira Begum', 'care_worker', '2020-09-01'],
      ['Ben Carter', 'senior_carer', '2020-09-01'],
      ['Dai Morgan', 'nurse', '2020-04-15'],
    ] as const) {
      const added = await officer.post('/staffing/pool/new', person(name, role, training))
      expect(added.statusCode, name).toBe(302)
      ids[name] = (added.headers.location as string).split('/').pop()!.split('?')[0]!
    }
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
    const shifts = await w.t.database.db
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
    // Dai's training ends at the midnight the night runs over.
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
    const cost = await w.t.database.db
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
  // Last, as it changes the world: migration 0025 undone (a night shift cut at midnight, the team gone)
  // and applied again.
  it('undoes migration 0025 with a night shift recorded, and applies it again', async () => {
    const db = w.t.database.db
    await migrateTo(db, '0024-dashboards-follow-the-directory')
    const cut = await db
      .selectFrom('staffingRequestShifts')
      .select(['startsMinute', 'endsMinute'])
      .where('startsMinute', '=', 1200)
      .execute()
    expect(cut).toEqual([{ startsMinute: 1200, endsMinute: 1440 }])
    expect(await migrateToLatest(db)).toContain('0025-staffing-team-and-night-shifts')
    expect(await db.selectFrom('staffingTeamMembers').selectAll().execute()).toEqual([])
  })
})
