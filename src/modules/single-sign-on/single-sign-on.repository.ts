import type { DbOrTransaction } from '../../db/database.ts'
import type { OrganisationKind } from '../../domain/roles.ts'
import { singleSignOnPaths } from './single-sign-on.paths.ts'

// Single sign-on's SQL: each function takes the db or the caller's transaction.

export type SettingsValues = {
  organisationId: string
  issuerUrl: string
  clientId: string
  clientSecretSealed: string
  groupsClaim: string
  groupRoles: Record<string, string>
  passwordSignInOff: boolean
  enabled: boolean
  fromEnvironment: boolean
}

export async function organisationById(db: DbOrTransaction, id: string) {
  const row = await db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind', 'onsCode'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? { ...row, kind: row.kind as OrganisationKind } : undefined
}

export async function organisationByOnsCode(db: DbOrTransaction, onsCode: string) {
  return db.selectFrom('organisations').select('id').where('onsCode', '=', onsCode).executeTakeFirst()
}

export async function settingsOf(db: DbOrTransaction, organisationId: string) {
  return db
    .selectFrom('singleSignOnSettings')
    .selectAll()
    .where('organisationId', '=', organisationId)
    .executeTakeFirst()
}

export async function saveSettings(db: DbOrTransaction, values: SettingsValues, now: Date) {
  const row = { ...values, groupRoles: JSON.stringify(values.groupRoles), updatedAt: now }
  await db
    .insertInto('singleSignOnSettings')
    .values({ ...row, createdAt: now })
    .onConflict((oc) => oc.column('organisationId').doUpdateSet(row))
    .execute()
}

// The organisations whose users may sign in with their own account, by name.
export async function organisationsWithSingleSignOn(db: DbOrTransaction) {
  return db
    .selectFrom('singleSignOnSettings as s')
    .innerJoin('organisations as o', 'o.id', 's.organisationId')
    .select(['o.id', 'o.name'])
    .where('s.enabled', '=', true)
    .orderBy('o.name')
    .execute()
}

export async function passwordSignInOff(db: DbOrTransaction, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('singleSignOnSettings')
    .select('organisationId')
    .where('organisationId', '=', organisationId)
    .where('enabled', '=', true)
    .where('passwordSignInOff', '=', true)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertPendingSignIn(
  db: DbOrTransaction,
  pending: {
    stateHash: string
    organisationId: string
    nonce: string
    codeVerifier: string
    expiresAt: Date
  },
) {
  await db.insertInto('singleSignOnPending').values(pending).execute()
}

// Taken once: a second callback with the same state finds nothing.
export async function takePendingSignIn(db: DbOrTransaction, stateHash: string) {
  return db
    .deleteFrom('singleSignOnPending')
    .where('stateHash', '=', stateHash)
    .returning(['organisationId', 'nonce', 'codeVerifier', 'expiresAt'])
    .executeTakeFirst()
}

export async function deleteExpiredPendingSignIns(db: DbOrTransaction, now: Date) {
  await db.deleteFrom('singleSignOnPending').where('expiresAt', '<', now).execute()
}

export async function userOfIdentity(db: DbOrTransaction, issuerUrl: string, subject: string) {
  return db
    .selectFrom('singleSignOnIdentities as i')
    .innerJoin('users as u', 'u.id', 'i.userId')
    .select(['u.id', 'u.organisationId', 'u.role', 'u.status'])
    .where('i.issuerUrl', '=', issuerUrl)
    .where('i.subject', '=', subject)
    .forUpdate()
    .executeTakeFirst()
}

export async function userByEmail(db: DbOrTransaction, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'organisationId', 'role', 'status'])
    .where('email', '=', email)
    .forUpdate()
    .executeTakeFirst()
}

export async function insertIdentity(
  db: DbOrTransaction,
  identity: { issuerUrl: string; subject: string; userId: string },
  now: Date,
) {
  await db
    .insertInto('singleSignOnIdentities')
    .values({ ...identity, createdAt: now })
    .execute()
}

export async function hasIdentity(db: DbOrTransaction, userId: string) {
  const row = await db
    .selectFrom('singleSignOnIdentities')
    .select('userId')
    .where('userId', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertUser(
  db: DbOrTransaction,
  user: { email: string; displayName: string; role: string; organisationId: string },
  now: Date,
) {
  const row = await db
    .insertInto('users')
    .values({ ...user, passwordHash: null, status: 'active', createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function setUserRole(db: DbOrTransaction, userId: string, role: string, now: Date) {
  await db.updateTable('users').set({ role, updatedAt: now }).where('id', '=', userId).execute()
}

export async function activateInvitedUser(db: DbOrTransaction, userId: string, now: Date) {
  await db
    .updateTable('users')
    .set({ status: 'active', updatedAt: now })
    .where('id', '=', userId)
    .where('status', '=', 'invited')
    .execute()
}

export async function markSignedIn(db: DbOrTransaction, userId: string, now: Date) {
  await db
    .updateTable('users')
    .set({ lastSignedInAt: now, failedSignInCount: 0, lockedUntil: null })
    .where('id', '=', userId)
    .execute()
}

export async function insertSingleSignOnSession(
  db: DbOrTransaction,
  session: { sessionTokenHash: string; organisationId: string },
) {
  await db.insertInto('singleSignOnSessions').values(session).execute()
}

// Signing out of a session single sign-on started leads to its page offering the provider's sign-out
// (a redirect straight there would be blocked: the CSP's form-action covers a form post's redirects).
export async function signedOutPageOf(db: DbOrTransaction, sessionTokenHash: string) {
  const row = await db
    .selectFrom('singleSignOnSessions')
    .select('organisationId')
    .where('sessionTokenHash', '=', sessionTokenHash)
    .executeTakeFirst()
  return row ? singleSignOnPaths.signedOutOfOrganisationAccount.build(row.organisationId) : null
}
