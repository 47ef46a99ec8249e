import { raiseAlert } from '../../src/modules/early-warning/index.ts'
import { createLocation, createOrganisation, createProvider, createUser, linkPartner } from './factories.ts'
import { buildTestApp, type TestApp } from './test-app.ts'
import type { Engine } from './test-database.ts'

// An alert raised at a given time, through the one alert store, as the risk rules would.
export const raiseIn =
  (t: TestApp) =>
  (locationId: string, key: string, severity: 'red' | 'amber', at: string, evidence = {}) =>
    raiseAlert(t.database.db, {
      locationId,
      source: 'rule',
      alertKey: key,
      severity,
      title:
        key === 'ppe-red' ? 'PPE under 3 days' : key === 'absence-amber' ? 'Staff absence over 10%' : key,
      message: `${key} fired`,
      evidence,
      at: new Date(at),
    })

// A location's latest case.
export const caseIn = (t: TestApp) => async (locationId: string) =>
  t.database.db
    .selectFrom('cases')
    .selectAll()
    .where('locationId', '=', locationId)
    .orderBy('openedAt', 'desc')
    .executeTakeFirstOrThrow()

// Two councils, a CCG serving each, one provider with homes in both, their officers (`ids`, `emails`
// by name), and open cases at four of council A's homes and at council B's.
export async function caseworkMarket(engine: Engine) {
  const t = await buildTestApp(engine)
  const db = t.database.db
  const raise = raiseIn(t)
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  ids.councilA = await createOrganisation(db, 'council', 'Casework Council A', { onsCode: 'E10000071' })
  ids.councilB = await createOrganisation(db, 'council', 'Casework Council B', { onsCode: 'E10000072' })
  ids.ccgA = await createOrganisation(db, 'nhs_commissioner', 'North CCG')
  ids.ccgB = await createOrganisation(db, 'nhs_commissioner', 'Far CCG')
  await linkPartner(db, ids.ccgA, ids.councilA)
  await linkPartner(db, ids.ccgB, ids.councilB)
  ids.provider = await createProvider(db, 'Casework Care Ltd')
  ids.providerOrg = await createOrganisation(db, 'provider', 'Casework Care Ltd', {
    providerId: ids.provider,
  })
  for (const name of ['Ash House', 'Beech House', 'Cedar House', 'Damson House', 'Elm House'])
    ids[name] = await createLocation(db, ids.provider, ids.councilA, { name })
  ids.farHome = await createLocation(db, ids.provider, ids.councilB, { name: 'Far Away House' })
  for (const [key, org, role] of [
    ['officerA', ids.councilA, 'council_officer'],
    ['officerA2', ids.councilA, 'council_officer'],
    ['adminA', ids.councilA, 'admin'],
    ['viewerA', ids.councilA, 'viewer'],
    ['partnerA', ids.ccgA, 'partner_officer'],
    ['partnerB', ids.ccgB, 'partner_officer'],
    ['officerB', ids.councilB, 'council_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  // Most urgent first: Beech (red, newest), Cedar (red since the 12th), Damson (amber, newer), Ash (amber).
  await raise(ids['Ash House']!, 'absence-amber', 'amber', '2020-04-13T08:00:00Z', {
    staffAbsencePercent: 12,
  })
  await raise(ids['Beech House']!, 'ppe-red', 'red', '2020-04-14T05:00:00Z', {
    lowestPpeDays: 1,
    lowestPpeItem: 'gloves',
  })
  await raise(ids['Cedar House']!, 'ppe-red', 'red', '2020-04-12T08:00:00Z', { lowestPpeDays: 2 })
  await raise(ids['Cedar House']!, 'absence-amber', 'amber', '2020-04-12T09:00:00Z', {
    staffAbsencePercent: 15,
  })
  await raise(ids['Damson House']!, 'absence-amber', 'amber', '2020-04-14T07:00:00Z', {
    staffAbsencePercent: 11,
  })
  await raise(ids.farHome!, 'ppe-red', 'red', '2020-04-14T06:00:00Z', { lowestPpeDays: 0 })
  return { t, ids, emails }
}
