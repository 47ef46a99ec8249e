import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// The contact log's integration tests' world: two councils, a partner of the first, a provider with a
// location in each council, a user of each kind, and an open red alert (in a case) to link contacts to.

// The test clock starts on Tuesday 14 April 2020, 09:00 in London.
export const valid = {
  state: 'done',
  method: 'call',
  direction: 'outgoing',
  category: 'ppe',
  'contactDate-day': '14',
  'contactDate-month': '4',
  'contactDate-year': '2020',
  contactTime: '08:30',
  spokeTo: 'Registered manager',
  summary: 'Gloves down to one day',
  actionsAgreed: 'Emergency gloves from the LRF store today',
  'followUpDate-day': '14',
  'followUpDate-month': '4',
  'followUpDate-year': '2020',
}

// Builds the world in a fresh app and database, filling in the ids and e-mail addresses by name.
export async function setUpContactLog(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
): Promise<TestApp> {
  const t = await buildTestApp(engine)
  const db = t.database.db
  ids.council = await createOrganisation(db, 'council', 'Northmoor Contact Council', {
    onsCode: 'E10000061',
  })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Contact Council', {
    onsCode: 'E10000062',
  })
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Contact CCG')
  await linkPartner(db, ids.ccg, ids.council)
  ids.provider = await createProvider(db, 'Alder Care Ltd')
  ids.providerOrg = await createOrganisation(db, 'provider', 'Alder Care Ltd', { providerId: ids.provider })
  ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Alder House' })
  ids.otherLocation = await createLocation(db, ids.provider, ids.otherCouncil, { name: 'Faraway Lodge' })
  for (const [key, org, role] of [
    ['officer', ids.council, 'council_officer'],
    ['officer2', ids.council, 'council_officer'],
    ['viewer', ids.council, 'viewer'],
    ['partner', ids.ccg, 'partner_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
    ['otherOfficer', ids.otherCouncil, 'council_officer'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  // An open alert in a case, for linking.
  ids.case = (
    await db
      .insertInto('cases')
      .values({
        locationId: ids.location,
        status: 'open',
        owningOrganisationId: null,
        ownerUserId: null,
        openedAt: new Date(),
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.alert = (
    await db
      .insertInto('alerts')
      .values({
        locationId: ids.location,
        caseId: ids.case,
        source: 'rule',
        alertKey: 'ppe-red',
        ruleVersionId: null,
        severity: 'red',
        title: 'PPE under 3 days',
        message: 'Gloves: 1 day',
        evidence: JSON.stringify({ lowestPpeDays: 1 }),
        status: 'open',
        raisedAt: new Date(),
        raisedBy: null,
        raisedByReturnId: null,
        evidenceUpdatedAt: new Date(),
        resolvedAt: null,
        resolvedBy: null,
        resolvedByReturnId: null,
        resolutionNote: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  return t
}
