import type { DbOrTransaction } from '../../db/database.ts'
import type { CaseStatus } from '../../db/schema.ts'

// What casework writes to a case: its owner and status, its actions, its closing, and each event of its
// history. Each takes a transaction first (the caller's, with the audit record).

export type CaseEventRow = {
  caseId: string
  kind: 'ownership_taken' | 'passed' | 'action_added' | 'action_done' | 'closed'
  note: string
  details: Record<string, unknown>
  actorUserId: string
  occurredAt: Date
}

export async function addCaseEvent(trx: DbOrTransaction, event: CaseEventRow): Promise<void> {
  await trx
    .insertInto('caseEvents')
    .values({ ...event, details: JSON.stringify(event.details) })
    .execute()
}

export async function setCaseOwner(
  trx: DbOrTransaction,
  caseId: string,
  owner: { organisationId: string; userId: string | null },
  status: CaseStatus,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ owningOrganisationId: owner.organisationId, ownerUserId: owner.userId, status, updatedAt: at })
    .where('id', '=', caseId)
    .execute()
}

// "Jo Bloggs, North CCG", or the organisation's name alone when no person is named.
export async function ownerInWords(
  trx: DbOrTransaction,
  owner: { organisationId: string; userId: string | null },
): Promise<string> {
  const [organisation, person] = await Promise.all([
    trx
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', owner.organisationId)
      .executeTakeFirstOrThrow(),
    owner.userId
      ? trx.selectFrom('users').select('displayName').where('id', '=', owner.userId).executeTakeFirst()
      : undefined,
  ])
  return person ? `${person.displayName}, ${organisation.name}` : organisation.name
}

export async function userName(trx: DbOrTransaction, userId: string): Promise<string> {
  const user = await trx
    .selectFrom('users')
    .select('displayName')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  return user.displayName
}

export async function setCaseStatus(trx: DbOrTransaction, caseId: string, status: CaseStatus, at: Date) {
  await trx.updateTable('cases').set({ status, updatedAt: at }).where('id', '=', caseId).execute()
}

// The case changed (an action added) without its status changing.
export async function touchCase(trx: DbOrTransaction, caseId: string, at: Date) {
  await trx.updateTable('cases').set({ updatedAt: at }).where('id', '=', caseId).execute()
}

export function insertCaseAction(
  trx: DbOrTransaction,
  action: { caseId: string; description: string; dueOn: string; createdBy: string; createdAt: Date },
) {
  return trx
    .insertInto('caseActions')
    .values({ ...action, ownerUserId: null })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function actionOfCase(trx: DbOrTransaction, caseId: string, actionId: string) {
  return trx
    .selectFrom('caseActions')
    .selectAll()
    .where('id', '=', actionId)
    .where('caseId', '=', caseId)
    .executeTakeFirst()
}

export async function markActionDone(trx: DbOrTransaction, actionId: string, userId: string, at: Date) {
  await trx
    .updateTable('caseActions')
    .set({ status: 'done', completedBy: userId, completedAt: at })
    .where('id', '=', actionId)
    .execute()
}

export function openAlertIdsOfCase(trx: DbOrTransaction, caseId: string) {
  return trx
    .selectFrom('alerts')
    .select(['id'])
    .where('caseId', '=', caseId)
    .where('status', '=', 'open')
    .execute()
}

export async function markCaseResolved(
  trx: DbOrTransaction,
  caseId: string,
  by: { userId: string; note: string; at: Date },
): Promise<void> {
  await trx
    .updateTable('cases')
    .set({
      status: 'resolved',
      resolvedAt: by.at,
      resolvedBy: by.userId,
      resolutionNote: by.note,
      updatedAt: by.at,
    })
    .where('id', '=', caseId)
    .execute()
}
