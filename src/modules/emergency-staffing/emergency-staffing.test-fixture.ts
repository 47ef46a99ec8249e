import { load } from 'cheerio'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
  linkPartner,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import type { Engine } from '../../../test/support/test-database.ts'

// Emergency staffing's integration world: a council with an officer, an administrator and a colleague
// (both roles that may join the staffing team), finance, a partner CCG, a provider's manager and another
// council's staffing officer; a provider location and a small budget. The test clock starts on Tuesday
// 14 April 2020, 09:00 in London.
export function staffingWorld() {
  const w = { t: undefined as unknown as TestApp }
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  // `officerInTeam`: the officer starts in the staffing team (else a test adds them through its page).
  async function setUp(engine: Engine, options: { officerInTeam: boolean }) {
    w.t = await buildTestApp(engine)
    const db = w.t.database.db
    ids.council = await createOrganisation(db, 'council', 'Northmoor Staffing Council', {
      onsCode: 'E10000081',
    })
    ids.otherCouncil = await createOrganisation(db, 'council', 'Westbridge Staffing Council', {
      onsCode: 'E10000083',
    })
    ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'North Staffing CCG')
    await linkPartner(db, ids.ccg, ids.council)
    ids.provider = await createProvider(db, 'Elm Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Elm Care Ltd', { providerId: ids.provider })
    ids.location = await createLocation(db, ids.provider, ids.council, { name: 'Elm House' })
    for (const [key, org, role] of [
      ['officer', ids.council, 'council_officer'],
      ['admin', ids.council, 'admin'],
      ['colleague', ids.council, 'council_officer'],
      ['finance', ids.council, 'finance_officer'],
      ['partner', ids.ccg, 'partner_officer'],
      ['manager', ids.providerOrg, 'provider_manager'],
      ['otherOfficer', ids.otherCouncil, 'council_officer'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
    // Another council's staffing team, to show it sees none of this council's pool.
    await db
      .insertInto('staffingTeamMembers')
      .values({ userId: ids.otherOfficer!, councilId: ids.otherCouncil!, addedBy: null, addedAt: new Date() })
      .execute()
    // A small budget, so that a second deployment overspends it.
    ids.budget = (
      await db
        .insertInto('staffingBudgets')
        .values({
          councilId: ids.council,
          name: 'Emergency staffing fund',
          allocationPence: 20_000,
          createdAt: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    if (options.officerInTeam)
      await db
        .insertInto('staffingTeamMembers')
        .values({ userId: ids.officer!, councilId: ids.council!, addedBy: null, addedAt: new Date() })
        .execute()
  }
  const close = async () => {
    await w.t?.close()
  }

  const signedIn = async (who: string) => {
    const client = new TestClient(w.t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const count = async (table: 'staffingRequests' | 'staffingPoolPeople' | 'staffingDeployments') =>
    Number(
      (
        await w.t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const nameOf = async (userId: string) =>
    (
      await w.t.database.db
        .selectFrom('users')
        .select('displayName')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).displayName
  const errorsOf = (body: string) => {
    const $ = load(body)
    return $('.govuk-error-summary a')
      .map((_, a) => $(a).text().trim())
      .get()
  }
  const request = {
    reason: 'isolation',
    urgency: 'within_24_hours',
    shift1Role: 'care_worker',
    'shift1Date-day': '15',
    'shift1Date-month': '4',
    'shift1Date-year': '2020',
    shift1Start: '08:00',
    shift1End: '16:00',
    shift1People: '2',
  }
  const expiry = (field: string, iso: string) => {
    const [y, m, d] = iso.split('-')
    return {
      [`${field}-day`]: String(Number(d)),
      [`${field}-month`]: String(Number(m)),
      [`${field}-year`]: y!,
    }
  }
  const person = (name: string, role: string, trainingExpires: string) => ({
    name,
    employer: 'Council staff bank',
    role,
    ...expiry('dbsExpires', '2021-01-01'),
    ...expiry('rightToWorkExpires', '2022-01-01'),
    ...expiry('trainingExpires', trainingExpires),
    ...expiry('availableFrom', '2020-04-14'),
    ...expiry('availableTo', '2020-04-20'),
  })

  return { w, ids, emails, setUp, close, signedIn, count, nameOf, errorsOf, request, expiry, person }
}
