import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import { raiseAlert } from '../../modules/early-warning/index.ts'
import type { DbOrTransaction } from '../database.ts'

// A few cases for the demo county's worklist: intelligence partners passed on, one case owned by the
// council officer with an action due, one passed to the IPC nurse with an action done, one unowned.
// Care homes at the end of the alphabet, so they stay clear of the first rows the browser tests use.
export async function loadDemoCasework(trx: DbOrTransaction, now: Date): Promise<number> {
  const homes = await trx
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('serviceType', 'in', ['care_home_nursing', 'care_home_residential'])
    .where('councilId', 'is not', null)
    .orderBy('name', 'desc')
    .orderBy('id')
    .limit(3)
    .execute()
  if (homes.length < 3) return 0
  const user = async (email: string) =>
    trx
      .selectFrom('users')
      .select(['id', 'displayName', 'organisationId'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
  const officer = await user('officer@northmoor.example')
  const nurse = await user('nurse@ipc.northmoor.example')
  const organisationName = async (id: string) =>
    (await trx.selectFrom('organisations').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name
  const ccg = await trx
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('kind', '=', 'nhs_commissioner')
    .orderBy('name')
    .executeTakeFirstOrThrow()
  const ipcName = await organisationName(nurse.organisationId)
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000)
  const today = londonDate(now)

  const intelligence = async (
    locationId: string,
    from: { id: string; name: string },
    severity: 'red' | 'amber',
    title: string,
    report: string,
    at: Date,
  ) =>
    raiseAlert(trx, {
      locationId,
      source: 'intelligence',
      alertKey: `intelligence-demo-${locationId}`,
      severity,
      title,
      message: `Intelligence from ${from.name}`,
      evidence: {
        reportedBy: from.name,
        reportedByOrganisationId: from.id,
        report,
        recordedBy: officer.displayName,
      },
      actorUserId: officer.id,
      at,
    })
  const event = (caseId: string, kind: string, note: string, actorUserId: string, at: Date) =>
    trx
      .insertInto('caseEvents')
      .values({ caseId, kind, note, details: null, actorUserId, occurredAt: at })
      .execute()
  const action = (caseId: string, description: string, dueOn: string, by: string, at: Date, doneAt?: Date) =>
    trx
      .insertInto('caseActions')
      .values({
        caseId,
        description,
        dueOn,
        ownerUserId: null,
        status: doneAt ? 'done' : 'open',
        createdBy: by,
        createdAt: at,
        completedBy: doneAt ? by : null,
        completedAt: doneAt ?? null,
      })
      .execute()

  // 1. Owned by the council officer, an action due in two days.
  const first = await intelligence(
    homes[0]!.id,
    { id: nurse.organisationId, name: ipcName },
    'red',
    'Suspected outbreak on the first floor',
    'Four residents with new coughs and temperatures since the weekend; two night staff off sick.',
    hoursAgo(20),
  )
  await trx
    .updateTable('cases')
    .set({
      status: 'owned',
      owningOrganisationId: officer.organisationId,
      ownerUserId: officer.id,
      updatedAt: hoursAgo(18),
    })
    .where('id', '=', first.caseId)
    .execute()
  await event(
    first.caseId,
    'ownership_taken',
    `Ownership taken by ${officer.displayName}`,
    officer.id,
    hoursAgo(18),
  )
  await action(
    first.caseId,
    'Arrange whole-home testing with the IPC team',
    addDaysToIsoDate(today, 2),
    officer.id,
    hoursAgo(17),
  )
  await event(
    first.caseId,
    'action_added',
    'Arrange whole-home testing with the IPC team',
    officer.id,
    hoursAgo(17),
  )

  // 2. Passed to the IPC nurse, who has already visited.
  const second = await intelligence(
    homes[1]!.id,
    ccg,
    'amber',
    'Manager worried about infection control training',
    'New agency staff have not had PPE donning and doffing training.',
    hoursAgo(50),
  )
  await trx
    .updateTable('cases')
    .set({
      status: 'action_taken',
      owningOrganisationId: nurse.organisationId,
      ownerUserId: nurse.id,
      updatedAt: hoursAgo(6),
    })
    .where('id', '=', second.caseId)
    .execute()
  await event(second.caseId, 'passed', `Passed to ${nurse.displayName}, ${ipcName}`, officer.id, hoursAgo(48))
  await action(
    second.caseId,
    'IPC visit to train agency staff in putting on and taking off PPE',
    addDaysToIsoDate(today, -1),
    nurse.id,
    hoursAgo(47),
    hoursAgo(6),
  )
  await event(
    second.caseId,
    'action_done',
    'IPC visit to train agency staff in putting on and taking off PPE',
    nurse.id,
    hoursAgo(6),
  )

  // 3. Unowned, waiting on the worklist.
  await intelligence(
    homes[2]!.id,
    ccg,
    'amber',
    'GP practice reports missed medication rounds',
    'The practice pharmacist found two missed evening rounds last week.',
    hoursAgo(3),
  )
  return 3
}
