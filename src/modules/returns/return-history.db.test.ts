import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'

// Issue 17, item 9: a COVID-19 death may follow a case reported days before. Refusing a death without
// a case in the same return made managers record it as an "other death"; now the location's returns of
// the 28 days before count too.
describe.each(engines)('a COVID-19 death after a case in an earlier return on %s', (engine) => {
  let t: TestApp
  let officer: Actor
  const ids: Record<string, string> = {}
  const noCases = { ...fullReturn, confirmedCasesResidents: '0', suspectedCasesResidents: '0' }
  const death = { ...noCases, covidDeathsResidents: '1' }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Deaths Council', { onsCode: 'E10000071' })
    ids.provider = await createProvider(db, 'Deaths Care Ltd')
    ids.recent = await createLocation(db, ids.provider, ids.council, { name: 'Recent Case House', beds: 40 })
    ids.old = await createLocation(db, ids.provider, ids.council, { name: 'Old Case House', beds: 40 })
    ids.none = await createLocation(db, ids.provider, ids.council, { name: 'No Case House', beds: 40 })
    const user = await createUser(db, ids.council, 'council_officer')
    officer = {
      userId: user.id,
      role: 'council_officer',
      organisationId: ids.council,
      organisationKind: 'council',
      councilIds: [ids.council],
      providerId: null,
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  const submit = (locationId: string, day: string, values: Record<string, string>) => {
    t.clock.set(new Date(`${day}T09:00:00Z`))
    return t.services.returns.submit(officer, locationId, values, { periodStart: day })
  }
  const messages = (outcome: Awaited<ReturnType<typeof submit>>) =>
    !outcome.ok && 'errors' in outcome ? outcome.errors.map((e) => e.message) : []

  it('accepts the death when a case was reported in the 28 days before', async () => {
    expect((await submit(ids.recent!, '2020-04-10', fullReturn)).ok).toBe(true)
    expect((await submit(ids.recent!, '2020-04-11', noCases)).ok).toBe(true)
    const outcome = await submit(ids.recent!, '2020-04-14', death)
    expect(messages(outcome)).toEqual([])
    expect(outcome.ok).toBe(true)
  })

  it('refuses it, naming the 28 days, when the only case was longer ago or there was none', async () => {
    expect((await submit(ids.old!, '2020-03-10', fullReturn)).ok).toBe(true)
    for (const locationId of [ids.old!, ids.none!]) {
      const outcome = await submit(locationId, '2020-04-14', death)
      expect(messages(outcome)).toEqual([
        'Deaths from COVID-19 need a confirmed or suspected case in this return or in your returns of the 28 days before: enter the cases too, or check the number of deaths',
      ])
    }
    const saved = await t.database.db
      .selectFrom('situationReturns')
      .select('id')
      .where('locationId', 'in', [ids.old!, ids.none!])
      .where('periodStart', '=', '2020-04-14')
      .execute()
    expect(saved).toEqual([])
  })
})
