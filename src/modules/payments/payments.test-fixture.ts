import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// The payments' integration tests' world: a council with two finance officers and an officer, another
// council, a contracted care home (Birch House) and a home the council does not contract with (Cedar
// Court), each provider with a manager. The test clock is Tuesday 14 April 2020.
export async function setUpPayments(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Northmoor Payments Council', {
    onsCode: 'E10000081',
  })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Payments Council', {
    onsCode: 'E10000082',
  })
  ids.provider = await createProvider(db, 'Birch Care Ltd')
  ids.providerOrg = await createOrganisation(db, 'provider', 'Birch Care Ltd', { providerId: ids.provider })
  ids.location = await createLocation(db, ids.provider, ids.council, {
    name: 'Birch House',
    contractedBy: [ids.council],
  })
  ids.otherProvider = await createProvider(db, 'Cedar Homes Ltd')
  ids.otherProviderOrg = await createOrganisation(db, 'provider', 'Cedar Homes Ltd', {
    providerId: ids.otherProvider,
  })
  ids.otherLocation = await createLocation(db, ids.otherProvider, ids.council, { name: 'Cedar Court' })
  for (const key of ['location', 'otherLocation'] as const) {
    const row = await db
      .selectFrom('locations')
      .where('id', '=', ids[key]!)
      .select('cqcLocationId')
      .executeTakeFirstOrThrow()
    ids[`${key}Cqc`] = row.cqcLocationId!
  }
  for (const [key, org, role] of [
    ['finance', ids.council, 'finance_officer'],
    ['finance2', ids.council, 'finance_officer'],
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

// The file a finance officer uploads: a header row, then the rows given.
export const packagesHeader =
  'Reference,CQC location ID,Funder,Beds,Weekly rate,Hourly rate,Planned hours a week,Start date,End date,In area,Hospital discharge'
export const csvFile = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`)
