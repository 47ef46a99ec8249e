import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { loadDemoCounty } from '../../db/seed/demo-county.ts'
import { fixedClock } from '../../domain/clock.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { median } from './domain/request.rules.ts'
import { createFiguresService } from './figures.service.ts'

// The demo county's PPE, and the figures and panel as direct sums over its ledger and requests.
describe.each(engines)('the demo county’s PPE on %s', (engine) => {
  let database: TestDatabase
  const clock = fixedClock(new Date('2020-06-30T08:00:00Z'))

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    await loadDemoCounty(database.db, clock, 60)
  })
  afterAll(async () => {
    await database?.drop()
  })

  it('has requests in every state, a decline and a part approval, and a policy change in the period', async () => {
    const db = database.db
    const counts = await db
      .selectFrom('ppeRequests')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute()
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]))
    for (const status of ['requested', 'approved', 'declined', 'picked', 'dispatched', 'delivered'])
      expect(byStatus[status], status).toBeGreaterThan(0)
    const part = await db.selectFrom('ppeRequests').select('id').where('partApproved', '=', true).execute()
    expect(part.length).toBeGreaterThan(0)
    const today = londonDate(clock.now())
    const rules = await db.selectFrom('ppeChargingRules').select(['effectiveFrom', 'charge']).execute()
    const policyDate = rules.find((r) => r.charge === 'free')!.effectiveFrom
    expect(policyDate > addDaysToIsoDate(today, -84) && policyDate < today).toBe(true)
    // Before the date every issue was charged; from it, emergency gloves and aprons are free.
    const issues = await db
      .selectFrom('ppeStockMoves as m')
      .innerJoin('ppeItems as i', 'i.id', 'm.itemId')
      .select(['m.occurredOn', 'm.free', 'i.name'])
      .where('m.kind', '=', 'issue')
      .execute()
    expect(issues.filter((m) => m.occurredOn < policyDate).every((m) => m.free === false)).toBe(true)
    expect(issues.filter((m) => m.occurredOn >= policyDate && m.name === 'Aprons').every((m) => m.free)).toBe(
      true,
    )
    expect(issues.filter((m) => m.name === 'FFP3 masks').every((m) => m.free === false)).toBe(true)
    const mismatches = await sql<{ n: string }>`
      select count(*) as n from ppe_stock_balances b
      where b.quantity <> (select coalesce(sum(m.quantity), 0) from ppe_stock_moves m where m.store_id = b.store_id and m.item_id = b.item_id)`.execute(
      db,
    )
    expect(Number(mismatches.rows[0]!.n)).toBe(0)
  })

  it('gives figures and a PPE panel equal to direct sums over the ledger and the requests', async () => {
    const db = database.db
    const officerId = (
      await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'officer@northmoor.example')
        .executeTakeFirstOrThrow()
    ).id
    const officer = await actorFor(db, officerId)
    const figures = createFiguresService({ db, clock })
    const from = addDaysToIsoDate(londonDate(clock.now()), -60)
    const to = londonDate(clock.now())
    const result = (await figures.figures(officer, { from, to }))!
    const direct = await sql<{ units: string; free: string; charged: string }>`
      select -sum(quantity) as units,
        sum(case when free then -quantity * unit_price_pence else 0 end) as free,
        sum(charged_pence) as charged
      from ppe_stock_moves where kind = 'issue' and occurred_on between ${from} and ${to}`.execute(db)
    const d = direct.rows[0]!
    expect(result.totals).toEqual({
      units: Number(d.units),
      freePence: Number(d.free),
      chargedPence: Number(d.charged),
      totalPence: Number(d.free) + Number(d.charged),
    })
    expect(result.rows.reduce((s, r) => s + r.units, 0)).toBe(Number(d.units))
    const open = await db
      .selectFrom('ppeRequests')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', ['requested', 'approved', 'picked', 'dispatched'])
      .executeTakeFirstOrThrow()
    expect(result.panel!.openRequests).toBe(Number(open.n))
    // The panel's window: the last 28 London days, today included.
    const since = londonInstant(addDaysToIsoDate(to, -27))
    const delivered = await db
      .selectFrom('ppeRequests')
      .select(['requestedAt', 'deliveredAt'])
      .where('status', '=', 'delivered')
      .execute()
    const hours = delivered
      .filter((r) => r.deliveredAt! >= since && r.deliveredAt! < clock.now())
      .map((r) => (r.deliveredAt!.getTime() - r.requestedAt.getTime()) / 3_600_000)
    const m = median(hours)
    expect(result.panel!.medianHoursToDelivery).toBe(m === null ? null : Math.round(m * 10) / 10)
    const stock = await sql<{ item: string; q: string }>`
      select item_id as item, sum(quantity) as q from ppe_stock_moves group by item_id`.execute(db)
    expect(result.panel!.cover.reduce((s, c) => s + c.balance, 0)).toBe(
      stock.rows.reduce((s, r) => s + Number(r.q), 0),
    )
  })
})
