import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// The enquiries' integration tests' world: two councils, a partner of the first, a provider with a
// location in each council's area, and a user of each kind. The test clock starts on Tuesday 14 April
// 2020, 09:00 in London.
export async function setUpEnquiries(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Northmoor Enquiry Council', {
    onsCode: 'E10000071',
  })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Enquiry Council', {
    onsCode: 'E10000072',
  })
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Enquiry CCG')
  await linkPartner(db, ids.ccg, ids.council)
  ids.provider = await createProvider(db, 'Birch Care Ltd')
  ids.providerOrg = await createOrganisation(db, 'provider', 'Birch Care Ltd', { providerId: ids.provider })
  ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Birch House' })
  ids.otherProvider = await createProvider(db, 'Cedar Homes Ltd')
  ids.otherProviderOrg = await createOrganisation(db, 'provider', 'Cedar Homes Ltd', {
    providerId: ids.otherProvider,
  })
  ids.otherLocation = await createLocation(db, ids.otherProvider, ids.otherCouncil, { name: 'Cedar Court' })
  for (const [key, org, role] of [
    ['admin', ids.council, 'admin'],
    ['officer', ids.council, 'council_officer'],
    ['viewer', ids.council, 'viewer'],
    ['partner', ids.ccg, 'partner_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
    ['otherManager', ids.otherProviderOrg, 'provider_manager'],
    ['otherOfficer', ids.otherCouncil, 'council_officer'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  return t
}
