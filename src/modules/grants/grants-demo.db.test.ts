import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testCookieSecret } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { demoPassword, loadDemoCounty } from '../../db/seed/demo-county.ts'
import { setUpDemoTwoStep } from '../../db/seed/demo-two-step.ts'

// The demo county's grants: the 2020 round committed in two tranches, with declines, ineligible
// locations with reasons and spend returns with one clawback; the second round a what-if.
describe.each(engines)('the demo county’s grants on %s', (engine) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await loadDemoCounty(t.database.db, t.clock, 200)
    await setUpDemoTwoStep(t.database.db, testCookieSecret, t.clock.now())
  })
  afterAll(async () => {
    await t?.close()
  })

  it('has the 2020 round committed and paid, with declines, reasons and one clawback recovered', async () => {
    const db = t.database.db
    const rounds = await db
      .selectFrom('grantRounds')
      .select(['id', 'name', 'status'])
      .orderBy('roundDate')
      .execute()
    expect(rounds.map((r) => r.status)).toEqual(['committed', 'draft'])
    const allocations = await db
      .selectFrom('grantAllocations')
      .selectAll()
      .where('roundId', '=', rounds[0]!.id)
      .execute()
    expect(allocations.filter((a) => a.decision === 'declined')).toHaveLength(3)
    const reasons = new Set(allocations.flatMap((a) => (a.reason ? [a.reason] : [])))
    expect(reasons).toContain('Dormant on 15 May 2020')
    expect(reasons).toContain('Not a care home: the round is per registered bed')
    const eligible = allocations.filter((a) => a.eligible)
    expect(eligible.reduce((s, a) => s + BigInt(a.amountPence), 0n)).toBe(1_376_250_000n)
    const tranches = await db
      .selectFrom('grantTranches')
      .select('id')
      .where('roundId', '=', rounds[0]!.id)
      .execute()
    expect(tranches).toHaveLength(2)
    const clawbacks = await db
      .selectFrom('grantSpendReturns')
      .selectAll()
      .where('clawbackPence', '>', '0')
      .execute()
    expect(clawbacks).toHaveLength(1)
    expect(String(clawbacks[0]!.recoveredPence)).toBe(String(clawbacks[0]!.clawbackPence))

    const client = new TestClient(t.app)
    await client.signIn('finance@northmoor.example', demoPassword)
    const page = await client.get(`/grants/rounds/${rounds[0]!.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Spending by measure')
    const open = JSON.parse((await client.get(`/grants/rounds/${rounds[0]!.id}/360giving.json`)).body)
    const paid = await db.selectFrom('grantPayments').select('amountPence').execute()
    const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100)
    expect(sum(open.grants.map((g: { amountDisbursed: number }) => g.amountDisbursed))).toBe(
      paid.reduce((s, p) => s + Number(p.amountPence), 0),
    )
    // Published as open data through the publishing workflow, with the same 360Giving file.
    const published = await db
      .selectFrom('publications')
      .select('id')
      .where('kind', '=', 'grants-360giving')
      .executeTakeFirstOrThrow()
    const data = await new TestClient(t.app).get(`/published/${published.id}/versions/1/data`)
    expect(JSON.parse(data.body)).toEqual(open)
  })
})
