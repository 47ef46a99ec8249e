import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'
import type { Db } from '../../db/database.ts'

// The grants' integration tests' world: a council that is in the government's fund file (Barking and
// Dagenham, E09000002), its finance and council officers, two providers with care homes in its area
// (one without a recent return, one closed), a home care service, and another council's home.
export async function setUpGrants(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Barking and Dagenham Council', {
    onsCode: 'E09000002',
  })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Grants Council', {
    onsCode: 'E10000073',
  })
  ids.provider = await createProvider(db, 'Birch Care Ltd')
  await db
    .updateTable('providers')
    .set({ companiesHouseNumber: '01234567' })
    .where('id', '=', ids.provider)
    .execute()
  ids.providerOrg = await createOrganisation(db, 'provider', 'Birch Care Ltd', { providerId: ids.provider })
  ids.otherProvider = await createProvider(db, 'Cedar Homes Ltd')
  ids.otherProviderOrg = await createOrganisation(db, 'provider', 'Cedar Homes Ltd', {
    providerId: ids.otherProvider,
  })
  ids.birch = await createLocation(db, ids.provider, ids.council, { name: 'Birch House', beds: 40 })
  ids.cedar = await createLocation(db, ids.otherProvider, ids.council, { name: 'Cedar Court', beds: 60 })
  ids.closed = await createLocation(db, ids.otherProvider, ids.council, { name: 'Elm Lodge', beds: 20 })
  ids.homeCare = await createLocation(db, ids.otherProvider, ids.council, {
    name: 'Fir Home Care',
    serviceType: 'home_care',
    beds: 0,
  })
  ids.elsewhere = await createLocation(db, ids.otherProvider, ids.otherCouncil, {
    name: 'Oak View',
    beds: 30,
  })
  await db
    .insertInto('locationStatusEvents')
    .values({
      locationId: ids.closed,
      status: 'closed',
      effectiveFrom: '2020-03-01',
      source: 'test',
      importId: null,
      recordedBy: null,
      recordedAt: new Date(),
    })
    .execute()
  await returnOn(db, ids.birch, '2020-04-10')
  for (const [key, org, role] of [
    ['finance', ids.council, 'finance_officer'],
    ['officer', ids.council, 'council_officer'],
    ['otherFinance', ids.otherCouncil, 'finance_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
    ['otherManager', ids.otherProviderOrg, 'provider_manager'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  return t
}

// A return (as the capacity tracker import or a provider would make) for a location on a day.
export async function returnOn(db: Db, locationId: string, periodStart: string) {
  await db
    .insertInto('situationReturns')
    .values({
      locationId,
      frequency: 'daily',
      periodStart,
      version: 1,
      isCurrent: true,
      datasetVersion: 1,
      values: JSON.stringify({}),
      nilReturn: false,
      nothingChanged: false,
      source: 'import',
      timing: 'on-time',
      submittedBy: null,
      submittedAt: new Date(`${periodStart}T09:00:00Z`),
      amendmentReason: null,
    })
    .execute()
}

// The 2020 round's form as finance fills it in, before any changes a test makes.
export const roundForm = {
  name: 'Infection Control Fund 2020, round 1',
  pot: '1,000,000.00',
  retained: '50,000',
  retainedPurpose: 'Emergency staffing',
  formulaShare: '75',
  discretionaryShare: '25',
  basis: 'registered_beds',
  snapshotDay: '14',
  snapshotMonth: '4',
  snapshotYear: '2020',
  roundDay: '14',
  roundMonth: '4',
  roundYear: '2020',
  passOnDays: '10',
  tranche1Day: '15',
  tranche1Month: '4',
  tranche1Year: '2020',
  tranche1Share: '50',
  tranche2Day: '1',
  tranche2Month: '7',
  tranche2Year: '2020',
  tranche2Share: '50',
  measuresAllowed:
    'Isolating residents\nRestricting staff movement\nPaying staff wages while isolating\nOther infection control',
  measuresNotAllowed: 'PPE',
  rules: ['registered-open', 'returns-submitted', 'not-refused'],
  clawback: 'yes',
  funderId: 'GB-LAE-BDG',
}
