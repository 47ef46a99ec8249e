import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { addDays, expectedFigures, setUpMarket, today } from './dashboards.test-fixture.ts'

// Issue 17, item 1: the rollups went stale when the directory changed. Closing two locations left a day
// at 106 expected / 81 reported where the records said 104 / 79, until a return happened to be saved for
// that day. Each kind of change that alters who is expected or under which filter a location counts is
// made here as its writers make it (status history and flags as the CQC import writes them; area, service
// type and contract as an officer's edit does), after the days were built; every figure of each day, for
// the council and for a regional viewer (the national rollup), then equals the direct SQL count.
describe.each(engines)('dashboards that follow the directory on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  const actors: Record<string, Actor> = {}
  const days = [today, addDays(today, -3), addDays(today, -10)]
  const councilVisible = (a: string) =>
    `(l.council_id = '${a}' or exists (select 1 from council_contracts c where c.location_id = l.id and c.council_id = '${a}'))`

  beforeAll(async () => {
    t = await setUpMarket(engine, ids, emails, actors)
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  const figuresOf = async (actor: Actor, day: string, filter: Record<string, string> = {}) => {
    const found = await t.services.dashboards.situation(actor, { ...filter, day })
    const h = found!.headline
    return {
      source: found!.source,
      expected: h.expected,
      reported: h.reported,
      ppeRed: h.ppeRed,
      outbreak: h.outbreak,
      vacantBeds: h.vacantBeds,
      figuresEarlier: h.figuresAge.earlier,
      figuresOldestDays: h.figuresAge.oldestDays,
      figuresNone: h.figuresAge.noReturn,
    }
  }
  const direct = async (visible: string, filterSql: string, day: string) => {
    const want = await expectedFigures(t.database.db, visible, filterSql, day)
    const { expected, reported, ppeRed, outbreak, vacantBeds, figuresEarlier, figuresOldestDays, figuresNone } = want
    return { expected, reported, ppeRed, outbreak, vacantBeds, figuresEarlier, figuresOldestDays, figuresNone }
  }
  const councilLocations = async () =>
    (
      await t.database.db
        .selectFrom('locations')
        .select(['id', 'serviceType', 'area'])
        .where('councilId', '=', ids.councilA!)
        .orderBy('name')
        .execute()
    ).filter((l) => l.serviceType !== 'home_care')

  async function expectAllDaysRight() {
    for (const day of days) {
      const council = await figuresOf(actors.officerA!, day)
      expect(council.source, day).toBe('rollup')
      const { source: _, ...got } = council
      expect(got, `council, ${day}`).toEqual(await direct(councilVisible(ids.councilA!), '', day))
      const national = await figuresOf(actors.regional!, day)
      const { source: __, ...gotNational } = national
      expect(gotNational, `national, ${day}`).toEqual(
        await direct('true', 'and l.council_id is not null', day),
      )
    }
  }

  it('builds the days, then keeps every figure right through closures, reopening, new areas and contracts', async () => {
    await expectAllDaysRight()
    const [first, second, third, fourth] = await councilLocations()
    // Two locations closed by the CQC's file, from 12 days ago (history and flag, as the import writes them).
    const closedFrom = addDays(today, -12)
    await t.database.db
      .insertInto('locationStatusEvents')
      .values(
        [first!, second!].map((l) => ({
          locationId: l.id,
          status: 'closed',
          effectiveFrom: closedFrom,
          source: 'cqc-import',
          importId: null,
          recordedBy: null,
          recordedAt: new Date(),
        })),
      )
      .execute()
    await t.database.db
      .updateTable('locations')
      .set({ status: 'closed' })
      .where('id', 'in', [first!.id, second!.id])
      .execute()
    await expectAllDaysRight()
    // One reopened from 5 days ago.
    await t.database.db
      .insertInto('locationStatusEvents')
      .values({
        locationId: second!.id,
        status: 'open',
        effectiveFrom: addDays(today, -5),
        source: 'cqc-import',
        importId: null,
        recordedBy: null,
        recordedAt: new Date(),
      })
      .execute()
    await expectAllDaysRight()
    // An officer moves one to the other council's area and changes another's service type.
    await t.database.db
      .updateTable('locations')
      .set({ councilId: ids.councilB! })
      .where('id', '=', third!.id)
      .execute()
    await t.database.db
      .updateTable('locations')
      .set({ serviceType: 'home_care' })
      .where('id', '=', fourth!.id)
      .execute()
    await expectAllDaysRight()
    // Contracts: one removed, one added.
    await t.database.db.deleteFrom('councilContracts').where('councilId', '=', ids.councilA!).execute()
    await expectAllDaysRight()
    await t.database.db
      .insertInto('councilContracts')
      .values({ councilId: ids.councilA!, locationId: third!.id, createdAt: new Date() })
      .execute()
    await expectAllDaysRight()
    const stale = await sql<{ n: string }>`select count(*) as n from dashboard_stale`.execute(t.database.db)
    expect(Number(stale.rows[0]!.n)).toBe(0)
  })
})
