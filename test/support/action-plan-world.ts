import { createLocation, createOrganisation, createProvider, createUser, linkPartner } from './factories.ts'
import { buildTestApp, type TestApp } from './test-app.ts'
import type { Engine } from './test-database.ts'

// The action plan's, training's and publishing's integration tests' world: a council, its IPC team
// and a CCG, ten care home providers (North and South), a provider manager of the first, another
// council's officer, and a plan of two areas and three actions (1.1 led by the IPC team, reporting the
// IPC training measures). The test clock starts on Tuesday 14 April 2020, 09:00 in London.
export async function setUpActionPlan(
  engine: Engine,
  ids: Record<string, string>,
  emails: Record<string, string>,
) {
  const t: TestApp = await buildTestApp(engine)
  const db = t.database.db
  const now = t.clock.now()
  ids.council = await createOrganisation(db, 'council', 'Planshire County Council', { onsCode: 'E10000081' })
  ids.otherCouncil = await createOrganisation(db, 'council', 'Otherplace Council', { onsCode: 'E10000082' })
  ids.ipc = await createOrganisation(db, 'infection_control_team', 'Planshire IPC Team')
  ids.ccg = await createOrganisation(db, 'nhs_commissioner', 'Planshire CCG')
  await linkPartner(db, ids.ipc, ids.council)
  await linkPartner(db, ids.ccg, ids.council)
  for (let i = 0; i < 10; i++) {
    const provider = await createProvider(db, `Plan Provider ${String(i).padStart(2, '0')}`)
    ids[`provider${i}`] = provider
    const location = await createLocation(db, provider, ids.council, { name: `Plan Home ${i}` })
    if (i % 2) await db.updateTable('locations').set({ area: 'South' }).where('id', '=', location).execute()
  }
  ids.providerOrg = await createOrganisation(db, 'provider', 'Plan Provider 00', {
    providerId: ids.provider0,
  })
  for (const [key, org, role] of [
    ['officer', ids.council, 'council_officer'],
    ['viewer', ids.council, 'viewer'],
    ['partner', ids.ipc, 'partner_officer'],
    ['ccgOfficer', ids.ccg, 'partner_officer'],
    ['manager', ids.providerOrg, 'provider_manager'],
    ['otherOfficer', ids.otherCouncil, 'council_officer'],
  ] as const) {
    const user = await createUser(db, org!, role)
    ids[key] = user.id
    emails[key] = user.email
  }
  const areas = await db
    .insertInto('planAreas')
    .values([
      {
        councilId: ids.council,
        number: 1,
        title: 'Safe care',
        aim: 'Care stays safe.',
        objectives: JSON.stringify(['Keep watch']),
        createdAt: now,
      },
      {
        councilId: ids.council,
        number: 2,
        title: 'Infection control',
        aim: 'Infection is kept out.',
        objectives: JSON.stringify(['Train every home']),
        createdAt: now,
      },
    ])
    .returning(['id', 'number'])
    .execute()
  const area = (n: number) => areas.find((a) => a.number === n)!.id
  const actions = await db
    .insertInto('planActions')
    .values([
      {
        areaId: area(1),
        position: 1,
        title: 'Train every care home in IPC',
        leadOrganisationId: ids.ipc,
        leadName: 'IPC team',
        partners: 'CCG',
        dueOn: '2020-06-30',
        rag: 'amber',
        measureKeys: JSON.stringify(['ipc-training-answered', 'trainer-rated-good']),
        createdAt: now,
        updatedAt: now,
      },
      {
        areaId: area(1),
        position: 2,
        title: 'Visit homes safely',
        leadOrganisationId: ids.ccg,
        leadName: 'CCG quality team',
        partners: null,
        dueOn: null,
        rag: 'green',
        measureKeys: '[]',
        createdAt: now,
        updatedAt: now,
      },
      {
        areaId: area(2),
        position: 1,
        title: 'Keep guidance current',
        leadOrganisationId: ids.council,
        leadName: 'Communications',
        partners: null,
        dueOn: null,
        rag: 'green',
        measureKeys: JSON.stringify(['locations-reporting-today']),
        createdAt: now,
        updatedAt: now,
      },
    ])
    .returning(['id', 'title'])
    .execute()
  ids.ipcAction = actions[0]!.id
  ids.ccgAction = actions[1]!.id
  ids.councilAction = actions[2]!.id
  const offers = await db
    .insertInto('trainingOffers')
    .values([
      {
        councilId: ids.council,
        kind: 'ipc_course',
        title: 'IPC course',
        deliveredBy: 'IPC team',
        startsOn: '2020-04-01',
        endsOn: null,
        capacity: 60,
        costPence: 987_654,
        createdAt: now,
      },
      {
        councilId: ids.council,
        kind: 'e_learning',
        title: 'Care e-learning',
        deliveredBy: 'Platform',
        startsOn: '2020-04-01',
        endsOn: null,
        capacity: null,
        costPence: null,
        createdAt: now,
      },
      {
        councilId: ids.otherCouncil,
        kind: 'ipc_course',
        title: 'Other IPC course',
        deliveredBy: 'Other',
        startsOn: '2020-04-01',
        endsOn: null,
        capacity: 10,
        costPence: null,
        createdAt: now,
      },
    ])
    .returning('id')
    .execute()
  ids.ipcOffer = offers[0]!.id
  ids.elearning = offers[1]!.id
  ids.otherOffer = offers[2]!.id
  return t
}
