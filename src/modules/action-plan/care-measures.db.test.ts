import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setUpActionPlan } from '../../../test/support/action-plan-world.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { measureByKey } from './index.ts'

// The measures taken from PPE requests, welfare checks and grants, against hand counts of rows made
// here, as they stood at the test clock's instant; and their click-through to the records.
describe.each(engines)('the measures from PPE, welfare checks and grants on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  let now: Date
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000)

  beforeAll(async () => {
    t = await setUpActionPlan(engine, ids, emails)
    const db = t.database.db
    now = t.clock.now()
    const locations = await db
      .selectFrom('locations')
      .select(['id', 'providerId'])
      .where('councilId', '=', ids.council!)
      .orderBy('name')
      .execute()
    const at = (i: number) => locations[i]!
    // PPE: 20 h (in time), 30 h (late), not delivered after 30 h (late), 2 h old (not judged yet),
    // declined (not counted). Hand count: 1 of 3.
    const request = (i: number, askedH: number, deliveredH: number | null, status = 'delivered') => ({
      councilId: ids.council!,
      locationId: at(i).id,
      providerId: at(i).providerId,
      channel: 'web' as const,
      status: status as 'delivered',
      hasCases: false,
      outbreak: false,
      priority: 1,
      priorityReasons: '[]',
      targetHours: 24,
      requestedAt: hours(askedH),
      decidedAt: status === 'declined' ? hours(askedH + 1) : null,
      deliveredAt: deliveredH === null ? null : hours(deliveredH),
      updatedAt: now,
    })
    await db
      .insertInto('ppeRequests')
      .values([
        request(0, -30, -10),
        request(1, -50, -20),
        request(2, -30, null, 'approved'),
        request(3, -2, null, 'requested'),
        request(4, -40, null, 'declined'),
      ])
      .execute()
    // Welfare: four people listed, two finished before now, one finished later, one open: 2 of 4.
    const cancellation = await db
      .insertInto('welfareCancellations')
      .values({
        councilId: ids.council!,
        locationId: at(5).id,
        source: 'officer',
        visitsCancelled: 4,
        cancelledOn: '2020-04-10',
        recordedAt: hours(-96),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('welfarePeople')
      .values(
        [hours(-5), hours(-1), hours(2), null].map((finishedAt) => ({
          cancellationId: cancellation.id,
          councilId: ids.council!,
          reference: 'SECRET-REF',
          initials: 'Q.Z.',
          createdAt: hours(-96),
          finishedAt,
        })),
      )
      .execute()
    // Grants: a round dated Monday 2 March 2020 (pass on by 30 March): paid 20 March (in time), paid
    // 6 April (late), unpaid (late), declined (not counted); a round dated today, unpaid (not due): 1 of 3.
    const round = async (roundDate: string) =>
      (
        await db
          .insertInto('grantRounds')
          .values({
            councilId: ids.council!,
            name: `Round of ${roundDate}`,
            potPence: '100000',
            retainedPence: '0',
            formulaShareBp: 10000,
            basis: 'registered_beds',
            snapshotDate: roundDate,
            roundDate,
            passOnWorkingDays: 20,
            rules: '{}',
            measuresAllowed: '[]',
            measuresNotAllowed: '[]',
            clawbackUnspent: false,
            funderId: 'DHSC',
            status: 'committed',
            committedAt: hours(-200),
            createdAt: hours(-300),
            updatedAt: hours(-200),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const march = await round('2020-03-02')
    const april = await round('2020-04-14')
    const tranche = await db
      .insertInto('grantTranches')
      .values({ roundId: march, number: 1, payOn: '2020-03-20', shareBp: 10000 })
      .returning('id')
      .executeTakeFirstOrThrow()
    const allocation = async (
      roundId: string,
      i: number,
      decision: 'accepted' | 'declined',
      paidOn?: string,
    ) => {
      const row = await db
        .insertInto('grantAllocations')
        .values({
          roundId,
          locationId: at(i).id,
          providerId: at(i).providerId,
          basisValue: 10,
          eligible: true,
          amountPence: '1000',
          explanation: 'Beds',
          decision,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (paidOn)
        await db
          .insertInto('grantPayments')
          .values({
            allocationId: row.id,
            trancheId: tranche.id,
            amountPence: '1000',
            paidOn,
            recordedAt: hours(-1),
          })
          .execute()
    }
    await allocation(march, 0, 'accepted', '2020-03-20')
    await allocation(march, 1, 'accepted', '2020-04-06')
    await allocation(march, 2, 'accepted')
    await allocation(march, 3, 'declined')
    await allocation(april, 4, 'accepted')
  })
  afterAll(async () => {
    await t?.close()
  })

  it('equals hand counts, as they stood at the instant asked for', async () => {
    const value = async (key: string, at = now) =>
      measureByKey.get(key)!.compute(t.database.db, ids.council!, at)
    expect((await value('ppe-delivered-within-24-hours')).shown).toBe('33% (1 of 3)')
    expect((await value('welfare-checks-completed')).shown).toBe('50% (2 of 4)')
    expect((await value('grant-passed-on-in-time')).shown).toBe('33% (1 of 3)')
    // Earlier instants: three hours ago one check had finished; fifteen hours ago the request
    // delivered in time had not yet arrived.
    expect((await value('welfare-checks-completed', hours(-3))).shown).toBe('25% (1 of 4)')
    expect((await value('ppe-delivered-within-24-hours', hours(-15))).numerator).toBe(0)
    // Another council has none of these.
    expect(
      (await measureByKey.get('grant-passed-on-in-time')!.compute(t.database.db, ids.otherCouncil!, now))
        .shown,
    ).toBe('No data yet')
  })

  it('shows each with its definition and the records behind it, without who the people are', async () => {
    const viewer = new TestClient(t.app)
    await viewer.signIn(emails.viewer!)
    const list = await viewer.get('/action-plan/measures')
    for (const key of [
      'ppe-delivered-within-24-hours',
      'welfare-checks-completed',
      'grant-passed-on-in-time',
    ])
      expect(list.body).toContain(`href="/action-plan/measures/${key}"`)
    expect(list.body).toContain('the share delivered within 24 hours of being made')
    const ppe = await viewer.get('/action-plan/measures/ppe-delivered-within-24-hours')
    expect(ppe.body).toContain('The records behind it (3)')
    const welfare = await viewer.get('/action-plan/measures/welfare-checks-completed')
    expect(welfare.body).toContain('The records behind it (4)')
    expect(welfare.body).not.toContain('SECRET-REF')
    expect(welfare.body).not.toContain('Q.Z.')
    const grants = await viewer.get('/action-plan/measures/grant-passed-on-in-time')
    expect(grants.body).toContain('The records behind it (3)')
    expect(grants.body).toContain('2020-03-30')
  })
})
