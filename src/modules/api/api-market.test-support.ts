import { expect } from 'vitest'
import { actorFor } from '../../../test/support/actors.ts'
import { createAlert } from '../../../test/support/alerts.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { calm as fullReturn } from '../../../test/support/risk-market.ts'
import type { TestApp } from '../../../test/support/test-app.ts'
import { apiHelpers } from './api.test-support.ts'

// What the read API's tests share: two councils, a partner serving the first, two providers with a
// home in each council and one in council B's area under contract to council A, a week of returns, an
// alert on a home of each council; and ways to make a token on the page and read with it.

export function marketHelpers(
  app: () => TestApp,
  ids: Record<string, string>,
  emails: Record<string, string>,
) {
  // Signing in and making a token on the web page are the same for every kind of organisation.
  const { signedIn, createToken } = apiHelpers(app, emails)
  const get = (url: string, token: string, headers: Record<string, string> = {}) =>
    app().app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } })

  // Every location's return for the day, saved at the same instant (so the cursor meets ties).
  const submitDay = async (day: string, locations: string[], values = fullReturn) => {
    app().clock.set(new Date(`${day}T09:00:00Z`))
    for (const key of locations) {
      const manager = await actorFor(
        app().database.db,
        ids[key === 'alder' || key === 'aspen' ? 'manager1' : 'manager2']!,
      )
      const outcome = await app().services.returns.submit(manager, ids[key]!, values)
      expect(outcome.ok, `${key} ${day}`).toBe(true)
    }
  }

  // The current returns of April in the partner's market, straight from the database.
  const aprilReturnsInMarket = () =>
    app()
      .database.db.selectFrom('situationReturns')
      .select('id')
      .where('isCurrent', '=', true)
      .where('periodStart', '>=', '2020-04-01')
      .where('periodStart', '<=', '2020-04-30')
      .where('locationId', 'in', [ids.alder!, ids.aspen!, ids.border!])
      .execute()

  return { signedIn, createToken, get, submitDay, aprilReturnsInMarket }
}

export async function seedMarket(
  t: TestApp,
  ids: Record<string, string>,
  emails: Record<string, string>,
  cqc: Record<string, string>,
) {
  const { submitDay } = marketHelpers(() => t, ids, emails)
  const db = t.database.db
  ids.councilA = await createOrganisation(db, 'council', 'Northmoor API Council', { onsCode: 'E10000081' })
  ids.councilB = await createOrganisation(db, 'council', 'Southmoor API Council', { onsCode: 'E10000082' })
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North API CCG')
  await linkPartner(db, ids.ccg, ids.councilA)
  ids.provider1 = await createProvider(db, 'Alder Care Ltd')
  ids.provider2 = await createProvider(db, 'Beech Care Ltd')
  ids.providerOrg1 = await createOrganisation(db, 'provider', 'Alder Care Ltd', {
    providerId: ids.provider1,
  })
  ids.providerOrg2 = await createOrganisation(db, 'provider', 'Beech Care Ltd', {
    providerId: ids.provider2,
  })
  ids.alder = await createLocation(db, ids.provider1, ids.councilA, { name: 'Alder House' })
  ids.aspen = await createLocation(db, ids.provider1, ids.councilA, { name: 'Aspen Court' })
  ids.birch = await createLocation(db, ids.provider2, ids.councilB, { name: 'Birch Lodge' })
  // In council B's area, under contract to council A: in A's market.
  ids.border = await createLocation(db, ids.provider2, ids.councilB, {
    name: 'Border View',
    contractedBy: [ids.councilA],
  })
  for (const key of ['alder', 'birch'])
    cqc[key] = (
      await db
        .selectFrom('locations')
        .select('cqcLocationId')
        .where('id', '=', ids[key]!)
        .executeTakeFirstOrThrow()
    ).cqcLocationId!
  for (const [key, org, role] of [
    ['partner', ids.ccg, 'partner_officer'],
    ['officerA', ids.councilA, 'council_officer'],
    ['officerB', ids.councilB, 'council_officer'],
    ['manager1', ids.providerOrg1, 'provider_manager'],
    ['manager2', ids.providerOrg2, 'provider_manager'],
  ] as const) {
    const user = await createUser(db, org, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  for (const day of ['2020-04-01', '2020-04-02', '2020-04-03', '2020-04-06', '2020-04-07'])
    await submitDay(day, ['alder', 'aspen', 'birch', 'border'])
  await createAlert(db, {
    locationId: ids.alder,
    key: 'intelligence:alder',
    severity: 'red',
    title: 'Staff walked out',
    message: 'Half the day shift did not come in',
    at: new Date('2020-04-07T10:00:00Z'),
  })
  await createAlert(db, {
    locationId: ids.birch,
    key: 'intelligence:birch',
    severity: 'amber',
    title: 'Birch worry',
    message: 'Council B’s own concern',
    at: new Date('2020-04-07T10:00:00Z'),
  })
}
