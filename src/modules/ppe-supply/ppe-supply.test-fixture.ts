import { actorFor } from '../../../test/support/actors.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// PPE supply's integration tests' world: two councils, a partner of the first, two providers with a
// location each in the first council (one contracted), a store pair and two items with prices.
export async function setUpPpe(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Northmoor PPE Council', { onsCode: 'E10000081' })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge PPE Council', {
    onsCode: 'E10000082',
  })
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North PPE CCG')
  await linkPartner(db, ids.ccg, ids.council)
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
  ids.otherLocation = await createLocation(db, ids.otherProvider, ids.council, {
    name: 'Cedar Court',
    serviceType: 'home_care',
  })
  for (const [key, org, role] of [
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
  const stores = await db
    .insertInto('ppeStores')
    .values([
      { councilId: ids.council, name: 'Central store', createdAt: new Date() },
      { councilId: ids.council, name: 'Hospital hub', createdAt: new Date() },
    ])
    .returning('id')
    .execute()
  ids.store = stores[0]!.id
  ids.hub = stores[1]!.id
  const officer = await actorFor(db, ids.officer!)
  for (const [key, name, unit, price] of [
    ['gloves', 'Disposable gloves', 'glove', '0.05'],
    ['masks', 'FFP3 masks', 'mask', '2.10'],
  ] as const) {
    const added = await t.services.ppeSupply.stock.addItem(officer, { name, unit, packSize: '100', price })
    if (!added?.ok) throw new Error(`could not add ${name}`)
    ids[key] = added.value.id
  }
  return t
}
