import type { Db } from '../../src/db/database.ts'

// Council B's emergency staffing and infection-control records (issue 21), for the access-scoping test:
// provider B's staffing request and its shift, council B's pool person, an IPC visit at provider B's
// location and its action. `ids` holds councilB, locationB, managerB and adminB.
export async function insertStaffingAndIpcRecordsOfB(db: Db, given: Record<string, string>) {
  const ids: Record<string, string> = { ...given }
  ids.staffingRequestB = (
    await db
      .insertInto('staffingRequests')
      .values({
        councilId: ids.councilB!,
        locationId: ids.locationB!,
        reason: 'isolation',
        urgency: 'within_24_hours',
        details: null,
        status: 'open',
        outcomeReason: null,
        requestedByUserId: ids.managerB!,
        requestedAt: new Date(),
        closedAt: null,
        closedByUserId: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.staffingShiftB = (
    await db
      .insertInto('staffingRequestShifts')
      .values({
        requestId: ids.staffingRequestB,
        role: 'care_worker',
        shiftOn: '2020-04-15',
        startsMinute: 480,
        endsMinute: 960,
        peopleNeeded: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.poolPersonB = (
    await db
      .insertInto('staffingPoolPeople')
      .values({
        councilId: ids.councilB!,
        name: 'Bea Contact',
        employer: 'Council B bank',
        role: 'care_worker',
        skills: null,
        phone: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.ipcVisitB = (
    await db
      .insertInto('ipcVisits')
      .values({
        councilId: ids.councilB!,
        locationId: ids.locationB!,
        organisationId: ids.councilB!,
        plannedByUserId: ids.adminB!,
        visitOn: '2020-04-14',
        purpose: 'Outbreak support',
        state: 'planned',
        contactId: null,
        followUpOfVisitId: null,
        summary: null,
        recordedByUserId: null,
        recordedAt: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  ids.ipcActionB = (
    await db
      .insertInto('ipcVisitActions')
      .values({
        visitId: ids.ipcVisitB,
        description: 'Zone the home',
        dueOn: '2020-04-20',
        doneAt: null,
        doneByUserId: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  return {
    staffingRequestB: ids.staffingRequestB!,
    staffingShiftB: ids.staffingShiftB!,
    poolPersonB: ids.poolPersonB!,
    ipcVisitB: ids.ipcVisitB!,
    ipcActionB: ids.ipcActionB!,
  }
}
