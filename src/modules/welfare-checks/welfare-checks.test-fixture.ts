import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// A home-care agency's return as its form sends it: 12 visits missed or cancelled this week.
export const agencyReturn: Record<string, string> = {
  ppeDaysGloves: '10',
  ppeDaysAprons: '8',
  ppeDaysTypeIirMasks: '6',
  ppeDaysFfp3Masks: '0',
  ppeDaysEyeProtection: '14',
  ppeDaysHandSanitiser: '21',
  ppeCanObtainMore: 'yes',
  peopleSupported: '140',
  confirmedCasesResidents: '0',
  suspectedCasesResidents: '1',
  confirmedCasesStaff: '2',
  suspectedCasesStaff: '1',
  covidDeathsResidents: '0',
  otherDeathsResidents: '0',
  covidDeathsStaff: '0',
  staffEmployed: '60',
  staffAbsentCovid: '9',
  staffAbsentOther: '3',
  agencyStaffUsed: '4',
  hoursDelivered: '1400',
  visitsMissed: '12',
  capacityForNewPackages: 'no',
  residentsTested: '',
  staffTested: '',
  concerns: '',
}

// Welfare checks' integration world: a council with an admin, an officer given welfare access and one
// not, a viewer; a partner; a provider with a home-care agency; another council with its own officer.
// The clock: Thursday 16 April 2020, 09:00 in London (the week's home-care return is open).
export async function setUpWelfare(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
) {
  const t: TestApp = await buildTestApp(engine)
  t.clock.set(new Date('2020-04-16T08:00:00Z'))
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Northmoor Welfare Council', { onsCode: 'E10000081' })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Welfare Council', {
    onsCode: 'E10000082',
  })
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Welfare CCG')
  await linkPartner(db, ids.ccg, ids.council)
  ids.provider = await createProvider(db, 'Willow Homecare Ltd')
  ids.providerOrg = await createOrganisation(db, 'provider', 'Willow Homecare Ltd', {
    providerId: ids.provider,
  })
  ids.agency = await createLocation(db, ids.provider, ids.council, {
    name: 'Willow Homecare',
    serviceType: 'home_care',
  })
  ids.home = await createLocation(db, ids.provider, ids.council, { name: 'Willow House' })
  for (const [key, org, role] of [
    ['admin', ids.council, 'admin'],
    ['officer', ids.council, 'council_officer'],
    ['ungranted', ids.council, 'council_officer'],
    ['viewer', ids.council, 'viewer'],
    ['partner', ids.ccg, 'partner_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
    ['otherOfficer', ids.otherCouncil, 'council_officer'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  // The admin and the officer hold the welfare grant (the admin's own and the officer's, as the admin gave it).
  await db
    .insertInto('welfareGrants')
    .values([
      { userId: ids.admin!, councilId: ids.council, grantedBy: ids.admin!, grantedAt: new Date() },
      { userId: ids.officer!, councilId: ids.council, grantedBy: ids.admin!, grantedAt: new Date() },
      { userId: ids.otherOfficer!, councilId: ids.otherCouncil, grantedBy: null, grantedAt: new Date() },
    ])
    .execute()
  return t
}
