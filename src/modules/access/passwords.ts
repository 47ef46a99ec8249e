import type { DbOrTransaction } from '../../db/database.ts'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import { recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { sendAccountLink } from './account-links.ts'
import { hashPassword } from './credentials.ts'
import { passwordProblem } from './domain/sign-in.rules.ts'
import { consumeToken, findLiveToken, type TokenPurpose } from './one-time-tokens.ts'
import { passwordSignInIsOff } from './sign-in-hooks.ts'
import type { UserDeps } from './user-reads.ts'

export type PasswordLinkUser = {
  id: string
  email: string
  displayName: string
  organisationId: string
  status: string
}

// A link to choose a password, e-mailed and audited: an invitation's while the account has no password
// yet. Asked for on the forgotten-password page, or by an administrator with the carehub command.
export async function sendPasswordLink(
  trx: DbOrTransaction,
  baseUrl: string,
  user: PasswordLinkUser,
  now: Date,
  after?: unknown,
): Promise<string> {
  const purpose = user.status === 'invited' ? 'invitation' : 'password_reset'
  const link = await sendAccountLink(trx, baseUrl, user, purpose, now)
  await recordAudit(trx, {
    actorUserId: null,
    organisationId: user.organisationId,
    action: accessAuditActions.passwordResetRequested,
    entityType: 'user',
    entityId: user.id,
    after,
    occurredAt: now,
  })
  return link
}

export async function findUserByEmail(
  db: DbOrTransaction,
  emailInput: string,
): Promise<PasswordLinkUser | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'displayName', 'organisationId', 'status'])
    .where('email', '=', emailInput.trim().toLowerCase())
    .executeTakeFirst()
}

// Public: always looks the same to the person asking, whether or not the address has an account.
export async function requestPasswordReset(deps: UserDeps, email: string): Promise<void> {
  const { db, clock, baseUrl } = deps
  const user = await findUserByEmail(db, email)
  if (!user || user.status === 'disabled') return
  if (await passwordSignInIsOff({ passwordSignInOff: deps.passwordSignInOff }, db, user.organisationId))
    return
  await db.transaction().execute(async (trx) => {
    await sendPasswordLink(trx, baseUrl, user, clock.now())
  })
}

// The link's user, and whether their organisation has since turned password sign-in off: a link
// e-mailed before then must not set a password the sign-in page would refuse.
export async function checkToken(deps: UserDeps, token: string, purpose: TokenPurpose) {
  const live = await findLiveToken(deps.db, token, purpose, deps.clock.now())
  if (!live) return null
  const hooks = { passwordSignInOff: deps.passwordSignInOff }
  return { ...live, passwordSignInOff: await passwordSignInIsOff(hooks, deps.db, live.organisationId) }
}

// Accepting an invitation and resetting a password both set a password through a single-use link.
// 'password-sign-in-off': the user's organisation signs in with its own accounts; nothing is set.
export async function setPasswordWithToken(
  deps: UserDeps,
  token: string,
  purpose: TokenPurpose,
  password: string,
  confirmation: string,
): Promise<Outcome<{ userId: string }> | 'password-sign-in-off' | null> {
  const { db, clock } = deps
  const live = await checkToken(deps, token, purpose)
  if (!live || live.status === 'disabled') return null
  if (live.passwordSignInOff) return 'password-sign-in-off'
  const errors: FieldErrors = {}
  const problem = passwordProblem(password, live.email)
  if (problem) errors.password = problem
  else if (password !== confirmation) errors.confirmPassword = 'Passwords must match'
  if (Object.keys(errors).length) return { ok: false, errors }
  const passwordHash = await hashPassword(password)
  const done = await db.transaction().execute(async (trx) => {
    const now = clock.now()
    if (!(await consumeToken(trx, live.tokenHash, now))) return false
    await trx
      .updateTable('users')
      .set({ passwordHash, status: 'active', failedSignInCount: 0, lockedUntil: null, updatedAt: now })
      .where('id', '=', live.userId)
      .execute()
    // A new password ends every existing session.
    await trx.deleteFrom('sessions').where('userId', '=', live.userId).execute()
    await recordAudit(trx, {
      actorUserId: live.userId,
      organisationId: live.organisationId,
      action:
        purpose === 'invitation' ? accessAuditActions.invitationAccepted : accessAuditActions.passwordReset,
      entityType: 'user',
      entityId: live.userId,
      occurredAt: now,
    })
    return true
  })
  return done ? { ok: true, value: { userId: live.userId } } : null
}
