import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { loadDemoCounty } from './demo-county.ts'
import { type DemoStep, demoSteps } from './demo-progress.ts'

// The first start's demo load says what it is doing (issue 18, item 7): every step, in order.
describe.each(engines)('the demo county’s progress on %s', (engine) => {
  let database: TestDatabase
  const told: [DemoStep, number | undefined][] = []

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    await loadDemoCounty(database.db, fixedClock(new Date('2020-06-30T08:00:00Z')), 50, (step, fraction) => {
      told.push([step, fraction])
    })
  })
  afterAll(async () => {
    await database?.drop()
  })

  it('tells each step as it starts, in order, and the returns’ batches up to all of them', () => {
    expect(told.filter(([, fraction]) => fraction === undefined).map(([step]) => step)).toEqual(
      Object.keys(demoSteps),
    )
    const batches = told.filter(([step, fraction]) => step === 'returns' && fraction !== undefined)
    expect(batches.length).toBeGreaterThan(0)
    expect(batches.at(-1)).toEqual(['returns', 1])
  })
})
