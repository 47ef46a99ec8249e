import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { defaultChecklist } from './domain/ipc.rules.ts'

// Infection control's SQL. Each function takes the database or the caller's transaction first; the
// service decides who may do what and which transaction it runs in.

export const visitEntityType = 'ipc-visit'

export function locationInScope(db: DbOrTransaction, actor: Actor, locationId: string) {
  return db
    .selectFrom('locations')
    .select(['locations.id', 'locations.name', 'locations.councilId'])
    .where(locationVisible(locationScope(actor)))
    .where('locations.id', '=', locationId)
    .executeTakeFirst()
}

// Visits the actor may see: at locations in their scope.
export function visibleVisits(db: DbOrTransaction, actor: Actor) {
  return db
    .selectFrom('ipcVisits as v')
    .innerJoin('locations', 'locations.id', 'v.locationId')
    .innerJoin('organisations as team', 'team.id', 'v.organisationId')
    .innerJoin('users as planner', 'planner.id', 'v.plannedByUserId')
    .where(locationVisible(locationScope(actor)))
    .select([
      'v.id',
      'v.councilId',
      'v.locationId',
      'locations.name as locationName',
      'v.organisationId',
      'team.name as organisationName',
      'planner.displayName as plannedBy',
      'v.visitOn',
      'v.purpose',
      'v.state',
      'v.contactId',
      'v.followUpOfVisitId',
      'v.summary',
      'v.recordedAt',
      (eb) =>
        eb
          .selectFrom('ipcVisitActions as a')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('a.visitId', '=', 'v.id')
          .where('a.doneAt', 'is', null)
          .as('actionsOpen'),
    ])
}

// A council's checklist; the default list is written the first time it is asked for.
export async function checklistOf(trx: DbOrTransaction, councilId: string, now: Date) {
  const read = () =>
    trx
      .selectFrom('ipcChecklistItems')
      .select(['id', 'label', 'position'])
      .where('councilId', '=', councilId)
      .where('active', '=', true)
      .orderBy('position')
      .orderBy('id')
      .execute()
  const items = await read()
  const ever = await trx
    .selectFrom('ipcChecklistItems')
    .select('id')
    .where('councilId', '=', councilId)
    .limit(1)
    .execute()
  if (items.length || ever.length) return items
  await trx
    .insertInto('ipcChecklistItems')
    .values(
      defaultChecklist.map((label, i) => ({
        councilId,
        label,
        position: i + 1,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .execute()
  return read()
}

export function findingsOf(db: DbOrTransaction, visitId: string) {
  return db
    .selectFrom('ipcVisitFindings')
    .innerJoin('ipcChecklistItems', 'ipcChecklistItems.id', 'ipcVisitFindings.checklistItemId')
    .select(['ipcVisitFindings.label', 'ipcVisitFindings.result', 'ipcVisitFindings.note'])
    .where('ipcVisitFindings.visitId', '=', visitId)
    .orderBy('ipcChecklistItems.position')
    .execute()
}

export function actionsOf(db: DbOrTransaction, visitIds: readonly string[]) {
  if (visitIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('ipcVisitActions as a')
    .leftJoin('users as doer', 'doer.id', 'a.doneByUserId')
    .select(['a.id', 'a.visitId', 'a.description', 'a.dueOn', 'a.doneAt', 'doer.displayName as doneBy'])
    .where('a.visitId', 'in', visitIds)
    .orderBy('a.dueOn')
    .orderBy('a.id')
    .execute()
}
