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

// Issue 17, item 10: a weekly home-care return fell into two adjacent 7-day trend points ("deaths in
// the last 7 days" 109 where each return counted once gives 101). Each return now counts once.
describe.each(engines)('a weekly return in the 7-day trend points on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  // Mondays, the first days of weekly periods; the trend's points are 7 days apart, on Wednesdays.
  const weeks = ['2020-04-06', '2020-04-13', '2020-04-20', '2020-04-27']
  const deaths = [3, 1, 4, 2]

  beforeAll(async () => {
    t = await buildTestApp(engine)
    t.clock.set(new Date('2020-04-29T12:00:00Z'))
    const db = t.database.db
    const council = await createOrganisation(db, 'council', 'Weekly Council', { onsCode: 'E10000073' })
    const provider = await createProvider(db, 'Weekly Care Ltd')
    const agency = await createLocation(db, provider, council, { serviceType: 'home_care', name: 'Agency' })
    officer = await actorFor(db, (await createUser(db, council, 'council_officer')).id)
    for (const [i, periodStart] of weeks.entries()) {
      await db
        .insertInto('situationReturns')
        .values({
          locationId: agency,
          frequency: 'weekly',
          periodStart,
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: JSON.stringify({ otherDeathsResidents: deaths[i] }),
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing: 'on-time',
          submittedBy: null,
          submittedAt: new Date(`${periodStart}T09:00:00Z`),
          amendmentReason: null,
        })
        .execute()
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  it('counts each weekly return once across the trend’s points', async () => {
    const found = await t.services.dashboards.situation(officer, { day: '2020-04-29' })
    const points = found!.trends.find((x) => x.key === 'deaths')!.points
    const byDay = Object.fromEntries(points.map((p) => [p.day, p.value]))
    expect(byDay).toMatchObject({ '2020-04-08': 3, '2020-04-15': 1, '2020-04-22': 4, '2020-04-29': 2 })
    expect(points.reduce((sum, p) => sum + (p.value ?? 0), 0)).toBe(3 + 1 + 4 + 2)
    expect(found!.headline.deaths7d).toBe(2)
  })
})
