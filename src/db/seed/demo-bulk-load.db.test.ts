import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { setBasedFill } from '../../modules/early-warning/index.ts'
import { loadDemoCounty } from './demo-county.ts'

// The demo's returns are saved in bulk (COPY on PGlite) with the risk figures trigger off, and the
// figures filled after in one statement built from the trigger's SQL (issue 27's first start). They
// must be exactly what the trigger writes, return by return.
describe.each(engines)('the demo county’s returns in bulk on %s', (engine) => {
  let database: TestDatabase
  const figures = async () =>
    (
      await sql<Record<string, unknown>>`
        select * from return_risk_figures order by location_id, period_start`.execute(database.db)
    ).rows

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    await loadDemoCounty(database.db, fixedClock(new Date('2020-06-30T08:00:00Z')), 40)
  })
  afterAll(async () => {
    await database?.drop()
  })

  it('fills the risk figures in one statement (the trigger’s SQL is in the shape expected)', async () => {
    expect(await setBasedFill(database.db)).toMatch(/^insert into return_risk_figures \(location_id, /)
  })

  it('gives each current return the figures its trigger would have written', async () => {
    const filled = await figures()
    const returns = await database.db
      .selectFrom('situationReturns')
      .where('isCurrent', '=', true)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(filled).toHaveLength(Number(returns.n))
    expect(filled.length).toBeGreaterThan(1000)
    // The trigger writes every return's figures again (an update deletes and inserts them).
    await sql`update situation_returns set values = values where is_current`.execute(database.db)
    expect(await figures()).toEqual(filled)
  })

  it('leaves the trigger on for every later return', async () => {
    const row = await sql<{ enabled: string }>`
      select tgenabled as enabled from pg_trigger where tgname = 'situation_returns_risk_figures'`.execute(
      database.db,
    )
    expect(row.rows).toEqual([{ enabled: 'O' }])
  })
})
