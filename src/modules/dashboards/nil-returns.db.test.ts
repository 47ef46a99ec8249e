import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'

// Issue 19: a nil return (no figures this period) counts as reported, and its empty figures are never
// read as the location's state: the state figures come from its latest return that has figures.
describe.each(engines)('a nil return on the dashboard on %s', (engine) => {
  let t: TestApp
  let officer: Actor

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2020-04-29T12:00:00Z'))
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Nil Dashboard Council', { onsCode: 'E10000094' })
    const provider = await createProvider(db, 'Nil Dashboard Care Ltd')
    const home = await createLocation(db, provider, council, { name: 'Closing House' })
    officer = await actorFor(db, (await createUser(db, council, 'council_officer')).id)
    const base = {
      locationId: home,
      frequency: 'daily',
      version: 1,
      isCurrent: true,
      datasetVersion: 1,
      nothingChanged: false,
      source: 'web' as const,
      timing: 'on-time',
      submittedBy: null,
      amendmentReason: null,
    }
    // Yesterday: gloves for 2 days (PPE red); today: nothing to report.
    await db
      .insertInto('situationReturns')
      .values({
        ...base,
        periodStart: '2020-04-28',
        values: JSON.stringify({ ppeDaysGloves: 2, bedsAvailable: 30, bedsOccupied: 25 }),
        nilReturn: false,
        submittedAt: new Date('2020-04-28T09:00:00Z'),
      })
      .execute()
    await db
      .insertInto('situationReturns')
      .values({
        ...base,
        periodStart: '2020-04-29',
        values: '{}',
        nilReturn: true,
        nilReason: 'temporarily-closed',
        submittedAt: new Date('2020-04-29T09:00:00Z'),
      })
      .execute()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('counts the nil return as reported and reads the state from the last return with figures', async () => {
    const found = await t.services.dashboards.situation(officer, { day: '2020-04-29' })
    expect(found!.headline).toMatchObject({ expected: 1, reported: 1, ppeRed: 1 })
  })
})
