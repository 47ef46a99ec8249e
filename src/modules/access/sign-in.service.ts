import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { ResolvedSession } from '../../web/session.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { accessPaths } from './access.paths.ts'
import { loadActor } from './actor.repository.ts'
import { newToken, tokenHash, verifyPassword } from './credentials.ts'
import { isLocked, isSessionLive } from './domain/sign-in.rules.ts'
import { type SessionStage, stageAfterPassword } from './domain/two-step.rules.ts'
import { countFailedAttempt } from './failed-attempts.ts'
import { passwordSignInIsOff, redirectAfterSignOut, type SignInHooks } from './sign-in-hooks.ts'

// `stage`: 'signed_in', or a session that lets them only give their two-step code or set it up.
export type SignInResult =
  | { ok: true; sessionToken: string; userId: string; stage: SessionStage }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: Date }
  | { ok: false; reason: 'single-sign-on' }

export function createSignInService(deps: { db: Db; clock: Clock; hooks?: SignInHooks }) {
  const { db, clock, hooks = {} } = deps

  async function signIn(emailInput: string, password: string): Promise<SignInResult> {
    const email = emailInput.trim().toLowerCase()
    // Hash before taking the row lock, so a slow hash never holds a lock.
    const candidate = await db
      .selectFrom('users')
      .select(['id', 'passwordHash'])
      .where('email', '=', email)
      .executeTakeFirst()
    const passwordMatches = await verifyPassword(candidate?.passwordHash ?? null, password)
    if (!candidate) return { ok: false, reason: 'invalid' }

    return db.transaction().execute(async (trx) => {
      const now = clock.now()
      const user = await trx
        .selectFrom('users')
        .select([
          'id',
          'organisationId',
          'role',
          'status',
          'failedSignInCount',
          'lockedUntil',
          'passwordHash',
          'twoStepSetUpAt',
        ])
        .where('id', '=', candidate.id)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const audit = (action: AuditActionName, after?: unknown) =>
        recordAudit(trx, {
          actorUserId: null,
          organisationId: user.organisationId,
          action,
          entityType: 'user',
          entityId: user.id,
          after,
          occurredAt: now,
        })

      if (isLocked(user, now)) {
        await audit(accessAuditActions.signInWhileLocked, { lockedUntil: user.lockedUntil })
        return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil! } as const
      }
      if (!passwordMatches || user.status !== 'active' || user.passwordHash !== candidate.passwordHash) {
        const outcome = await countFailedAttempt(trx, user, now)
        await audit(accessAuditActions.signInFailed, { failedSignInCount: outcome.failedSignInCount })
        if (outcome.justLocked) {
          await audit(accessAuditActions.accountLocked, { lockedUntil: outcome.lockedUntil })
          return { ok: false, reason: 'locked', lockedUntil: outcome.lockedUntil! } as const
        }
        return { ok: false, reason: 'invalid' } as const
      }
      // Only after the right password, so that the answer tells a guesser nothing.
      if (await passwordSignInIsOff(hooks, trx, user.organisationId)) {
        await audit(accessAuditActions.passwordSignInRefused)
        return { ok: false, reason: 'single-sign-on' } as const
      }
      const stage = stageAfterPassword({ role: user.role, twoStepSetUp: user.twoStepSetUpAt !== null })
      // Only a full sign-in clears the count: a password known to an attacker must not reset the count
      // of wrong codes (two-step.service.ts counts them too).
      if (stage !== 'signed_in') {
        const sessionToken = await createSession(trx, user.id, now, stage)
        return { ok: true, sessionToken, userId: user.id, stage } as const
      }
      const sessionToken = await completeSignIn(trx, user, now)
      return { ok: true, sessionToken, userId: user.id, stage } as const
    })
  }

  // The session's stage is read in the same query: a partly signed-in session costs nothing more.
  async function resolveSession(token: string | undefined): Promise<ResolvedSession> {
    if (!token) return null
    const hash = tokenHash(token)
    const session = await db
      .selectFrom('sessions')
      .selectAll()
      .where('tokenHash', '=', hash)
      .executeTakeFirst()
    if (!session) return null
    const now = clock.now()
    if (!isSessionLive(session, now)) {
      await db.deleteFrom('sessions').where('tokenHash', '=', hash).execute()
      return null
    }
    // Not yet through two-step sign-in: no actor; pages that need one send them to the step that is due.
    if (session.stage === 'two_step_due') return { continueAt: accessPaths.twoStepCode.build() }
    if (session.stage !== 'signed_in') return { continueAt: accessPaths.twoStepSetUp.build() }
    const loaded = await loadActor(db, session.userId)
    if (!loaded) return null
    // Touch at most once a minute: keeps idle expiry honest without a write per request.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      await db.updateTable('sessions').set({ lastSeenAt: now }).where('tokenHash', '=', hash).execute()
    }
    return loaded
  }

  // Where the browser goes next when another capability says (an identity provider's sign-out), or null.
  async function signOut(token: string | undefined): Promise<string | null> {
    if (!token) return null
    return db.transaction().execute(async (trx) => {
      const redirect = await redirectAfterSignOut(hooks, trx, tokenHash(token))
      const session = await trx
        .deleteFrom('sessions')
        .where('tokenHash', '=', tokenHash(token))
        .returning('userId')
        .executeTakeFirst()
      if (!session) return null
      const user = await trx
        .selectFrom('users')
        .select('organisationId')
        .where('id', '=', session.userId)
        .executeTakeFirst()
      await recordAudit(trx, {
        actorUserId: session.userId,
        organisationId: user?.organisationId ?? null,
        action: accessAuditActions.signedOut,
        entityType: 'user',
        entityId: session.userId,
        occurredAt: clock.now(),
      })
      return redirect
    })
  }

  return { signIn, resolveSession, signOut }
}

export type SignInService = ReturnType<typeof createSignInService>

// A fully signed-in session unless a stage is given (single sign-on's: the council's identity provider
// asked for its own second factor).
export async function createSession(
  db: DbOrTransaction,
  userId: string,
  now: Date,
  stage: SessionStage = 'signed_in',
): Promise<string> {
  const token = newToken()
  await db
    .insertInto('sessions')
    .values({ tokenHash: tokenHash(token), userId, createdAt: now, lastSeenAt: now, stage })
    .execute()
  return token
}

// Signed in at last (the password, and the code when one is due): the failed count cleared, a full
// session, and the audit record (`after`: how, e.g. which kind of two-step code).
export async function completeSignIn(
  trx: DbOrTransaction,
  user: { id: string; organisationId: string },
  now: Date,
  after?: unknown,
): Promise<string> {
  await trx
    .updateTable('users')
    .set({ failedSignInCount: 0, lockedUntil: null, lastSignedInAt: now })
    .where('id', '=', user.id)
    .execute()
  const sessionToken = await createSession(trx, user.id, now)
  await recordAudit(trx, {
    actorUserId: user.id,
    organisationId: user.organisationId,
    action: accessAuditActions.signedIn,
    entityType: 'user',
    entityId: user.id,
    after,
    occurredAt: now,
  })
  return sessionToken
}
