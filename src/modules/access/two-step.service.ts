import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { openSecret, sealSecret } from '../../domain/secret-box.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { hashPassword, tokenHash, verifyPassword } from './credentials.ts'
import { isLocked, isSessionLive } from './domain/sign-in.rules.ts'
import { readEnteredCode, type SessionStage, twoStepRequired } from './domain/two-step.rules.ts'
import { countFailedAttempt } from './failed-attempts.ts'
import { completeSignIn } from './sign-in.service.ts'
import { acceptedStep, newRecoveryCodes, newTwoStepKey, twoStepKeyPurpose } from './two-step-codes.ts'
import { keyBeingSetUpMinutes, openKeyBeingSetUp, sealKeyBeingSetUp } from './two-step-key-being-set-up.ts'
import { putRecoveryCodes, removeTwoStep, unusedRecoveryCodes } from './two-step-records.ts'

export type TwoStepDeps = { db: Db; clock: Clock; cookieSecret: string }

export type CodeResult =
  | { ok: true; sessionToken: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'no-session' }

const wrongCode = 'Enter the 6-digit code from your authenticator app, or one of your recovery codes'
const wrongSetUpCode = 'Enter the 6-digit code your authenticator app shows for CareHub'
const missingAppCode = 'Enter the 6-digit code from your authenticator app'
const wrongAppCode = 'The code is not right: enter the 6-digit code your authenticator app shows now'
const setUpExpired = `This page was open for more than ${keyBeingSetUpMinutes} minutes: make sure your authenticator app has the key now on this page, then enter the code it shows`
const setUpNotThisSignIn =
  'This set-up page does not belong to this sign-in: make sure your authenticator app has the key now on this page, then enter the code it shows'

// Why a signed-in user's code for a change to their two-step sign-in was refused.
export type CodeRefused =
  | { ok: false; reason: 'invalid'; errors: FieldErrors }
  | { ok: false; reason: 'locked'; signedOut: boolean }

export type NewRecoveryCodes =
  | { ok: true; recoveryCodes: string[] }
  | CodeRefused
  | { ok: false; reason: 'not-set-up' }

export type TurnedOff = { ok: true } | CodeRefused

// What a typed code matched: an app code at a time step, or one of the person's unused recovery codes.
type Match = { kind: 'app'; step: number } | { kind: 'recovery'; id: string } | null

// Two-step sign-in: the code after the password, setting it up, new recovery codes, and turning it off.
export function createTwoStepService(deps: TwoStepDeps) {
  const { db, clock, cookieSecret } = deps

  // A session part-way through signing in (not yet 'signed_in'), with whose it is.
  async function partialSession(token: string | undefined) {
    if (!token) return null
    const row = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.userId')
      .select([
        'sessions.userId',
        'sessions.stage',
        'sessions.createdAt',
        'sessions.lastSeenAt',
        'users.email',
      ])
      .where('sessions.tokenHash', '=', tokenHash(token))
      .where('sessions.stage', '!=', 'signed_in')
      .executeTakeFirst()
    if (!row || !isSessionLive(row, clock.now())) return null
    return { userId: row.userId, email: row.email, stage: row.stage as SessionStage }
  }

  function openKey(sealed: string | null): string | null {
    return sealed ? openSecret(cookieSecret, twoStepKeyPurpose, sealed) : null
  }

  async function match(
    user: { id: string; twoStepKey: string | null; twoStepLastStep: number | null },
    typed: string,
  ): Promise<Match> {
    const entered = readEnteredCode(typed)
    if (!entered) return null
    if (entered.kind === 'app') {
      const key = openKey(user.twoStepKey)
      const step = key && (await acceptedStep(key, entered.code, clock.now(), user.twoStepLastStep))
      return step ? { kind: 'app', step } : null
    }
    const unused = await db
      .selectFrom('twoStepRecoveryCodes')
      .select(['id', 'codeHash'])
      .where('userId', '=', user.id)
      .where('usedAt', 'is', null)
      .execute()
    for (const code of unused)
      if (await verifyPassword(code.codeHash, entered.code)) return { kind: 'recovery', id: code.id }
    return null
  }

  // Uses what matched, in the transaction that holds the user's row: false if another request used it first.
  async function use(trx: DbOrTransaction, userId: string, found: Match, lastStep: number | null, now: Date) {
    if (!found) return false
    if (found.kind === 'app') {
      if (lastStep !== null && found.step <= lastStep) return false
      await trx.updateTable('users').set({ twoStepLastStep: found.step }).where('id', '=', userId).execute()
      return true
    }
    const used = await trx
      .updateTable('twoStepRecoveryCodes')
      .set({ usedAt: now })
      .where('id', '=', found.id)
      .where('usedAt', 'is', null)
      .returning('id')
      .executeTakeFirst()
    return Boolean(used)
  }

  // The user's lockout state, their row locked so two codes typed at once are counted in turn.
  const lockedUser = (trx: DbOrTransaction, userId: string) =>
    trx
      .selectFrom('users')
      .select(['id', 'organisationId', 'failedSignInCount', 'lockedUntil', 'twoStepLastStep'])
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow()

  // A wrong code counts toward the lockout, as a wrong password does: true if it has just locked the account.
  async function countWrongCode(
    trx: DbOrTransaction,
    user: { id: string; organisationId: string; failedSignInCount: number; lockedUntil: Date | null },
    now: Date,
  ) {
    const outcome = await countFailedAttempt(trx, user, now)
    await audit(trx, user, accessAuditActions.twoStepCodeFailed, now, {
      failedSignInCount: outcome.failedSignInCount,
    })
    if (outcome.justLocked)
      await audit(trx, user, accessAuditActions.accountLocked, now, { lockedUntil: outcome.lockedUntil })
    return outcome.justLocked
  }

  // Ends the part-signed-in session and starts a fully signed-in one (a new id once signed in).
  async function finishSignIn(
    trx: DbOrTransaction,
    token: string,
    user: { id: string; organisationId: string },
    now: Date,
    how: string,
  ) {
    await trx.deleteFrom('sessions').where('tokenHash', '=', tokenHash(token)).execute()
    return completeSignIn(trx, user, now, { twoStep: how })
  }

  // The code after the password: from the app, or a recovery code. Wrong codes count toward the lockout.
  async function enterCode(token: string | undefined, typed: string): Promise<CodeResult> {
    const session = await partialSession(token)
    if (!token || session?.stage !== 'two_step_due') return { ok: false, reason: 'no-session' }
    const before = await db
      .selectFrom('users')
      .select(['id', 'twoStepKey', 'twoStepLastStep'])
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow()
    // Recovery codes are argon2 hashes: checked before the row lock is taken.
    const found = await match(before, typed)
    return db.transaction().execute(async (trx) => {
      const now = clock.now()
      const user = await lockedUser(trx, session.userId)
      if (isLocked(user, now)) {
        await trx.deleteFrom('sessions').where('tokenHash', '=', tokenHash(token)).execute()
        await audit(trx, user, accessAuditActions.signInWhileLocked, now, { lockedUntil: user.lockedUntil })
        return { ok: false, reason: 'locked' } as const
      }
      if (!(await use(trx, user.id, found, user.twoStepLastStep, now))) {
        if (!(await countWrongCode(trx, user, now))) return { ok: false, reason: 'invalid' } as const
        await trx.deleteFrom('sessions').where('tokenHash', '=', tokenHash(token)).execute()
        return { ok: false, reason: 'locked' } as const
      }
      if (found?.kind === 'recovery') {
        const left = await unusedRecoveryCodes(trx, user.id)
        await audit(trx, user, accessAuditActions.recoveryCodeUsed, now, { recoveryCodesLeft: left })
      }
      const sessionToken = await finishSignIn(
        trx,
        token,
        user,
        now,
        found?.kind === 'app' ? 'app' : 'recovery code',
      )
      return { ok: true, sessionToken } as const
    })
  }

  // The key to show on the set-up page, sealed for the page to carry, or null once set up. Nothing is
  // stored. `carried`: sealed keys this browser was shown already (the form sent back, its cookie), the
  // first still for this person and sign-in shown again while it can be confirmed, so that a refreshed
  // page or a second tab keeps the key the app may already have.
  async function keyToSetUp(
    who: { userId: string; sessionToken: string },
    carried: readonly (string | undefined)[] = [],
  ): Promise<{ key: string; sealed: string } | null> {
    const user = await db
      .selectFrom('users')
      .select('twoStepSetUpAt')
      .where('id', '=', who.userId)
      .executeTakeFirstOrThrow()
    if (user.twoStepSetUpAt) return null
    const now = clock.now()
    for (const sealed of carried) {
      const shown = sealed ? openKeyBeingSetUp(cookieSecret, sealed, who, now) : null
      if (sealed && shown?.ok) return { key: shown.key, sealed }
    }
    const key = newTwoStepKey()
    return { key, sealed: sealKeyBeingSetUp(cookieSecret, who, key, now) }
  }

  // A code from the app proves the key (carried sealed by the page) was added; the key and the time it
  // was set up are then written together, and the recovery codes made and shown once.
  // `partialToken`: the session of one whose role needs it, set up before they are let in.
  async function confirmSetUp(
    who: { userId: string; sessionToken: string },
    sealedKey: string,
    typed: string,
    partialToken?: string,
  ): Promise<Outcome<{ recoveryCodes: string[]; sessionToken: string | null }>> {
    const carried = openKeyBeingSetUp(cookieSecret, sealedKey, who, clock.now())
    if (!carried.ok)
      return {
        ok: false,
        errors: { code: carried.reason === 'expired' ? setUpExpired : setUpNotThisSignIn },
      }
    const entered = readEnteredCode(typed)
    const step =
      entered?.kind === 'app' ? await acceptedStep(carried.key, entered.code, clock.now(), null) : null
    if (!step)
      return {
        ok: false,
        errors: { code: typed.trim() ? wrongSetUpCode : missingAppCode },
      }
    const recoveryCodes = newRecoveryCodes()
    const hashes = await Promise.all(recoveryCodes.map((code) => hashPassword(code)))
    return db.transaction().execute(async (trx) => {
      const now = clock.now()
      const user = await trx
        .updateTable('users')
        .set({
          twoStepKey: sealSecret(cookieSecret, twoStepKeyPurpose, carried.key),
          twoStepSetUpAt: now,
          twoStepLastStep: step,
          updatedAt: now,
        })
        .where('id', '=', who.userId)
        .where('twoStepSetUpAt', 'is', null)
        .returning(['id', 'organisationId'])
        .executeTakeFirst()
      if (!user) return { ok: false, errors: { code: 'Two-step sign-in is already set up' } as FieldErrors }
      await putRecoveryCodes(trx, user.id, hashes, now)
      await audit(trx, user, accessAuditActions.twoStepSetUp, now, { recoveryCodes: hashes.length })
      const sessionToken = partialToken ? await finishSignIn(trx, partialToken, user, now, 'set up') : null
      return { ok: true, value: { recoveryCodes, sessionToken } }
    })
  }

  async function status(actor: Actor) {
    const user = await db
      .selectFrom('users')
      .select(['twoStepSetUpAt'])
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow()
    const recoveryCodesLeft = user.twoStepSetUpAt ? await unusedRecoveryCodes(db, actor.userId) : 0
    return { setUpAt: user.twoStepSetUpAt, required: twoStepRequired(actor.role), recoveryCodesLeft }
  }

  // A signed-in user's code for a change to their two-step sign-in, in the transaction that makes the
  // change: null once it is used; otherwise why not. A wrong code counts toward the lockout, as at
  // sign-in, so that a session left open cannot be used to guess; the lockout ends that session.
  async function spendCode(
    trx: DbOrTransaction,
    userId: string,
    found: Match,
    sessionToken: string,
    wrongMessage: string,
    now: Date,
  ): Promise<CodeRefused | null> {
    const locked = await lockedUser(trx, userId)
    if (isLocked(locked, now)) return { ok: false, reason: 'locked', signedOut: false }
    if (await use(trx, userId, found, locked.twoStepLastStep, now)) return null
    if (!(await countWrongCode(trx, locked, now)))
      return { ok: false, reason: 'invalid', errors: { code: wrongMessage } }
    await trx.deleteFrom('sessions').where('tokenHash', '=', tokenHash(sessionToken)).execute()
    return { ok: false, reason: 'locked', signedOut: true }
  }

  // Only where the role does not need it, and only with a code: a session left open is not enough.
  async function turnOff(actor: Actor, typed: string, sessionToken: string): Promise<TurnedOff> {
    const invalid = (message: string) =>
      ({ ok: false, reason: 'invalid', errors: { code: message } }) as const
    if (twoStepRequired(actor.role))
      return invalid('Your role needs two-step sign-in: it cannot be turned off')
    const user = await db
      .selectFrom('users')
      .select(['id', 'organisationId', 'twoStepKey', 'twoStepLastStep', 'twoStepSetUpAt'])
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow()
    if (!user.twoStepSetUpAt) return { ok: true }
    // Nothing typed is not a guess: said so, and not counted.
    if (!typed.trim()) return invalid(wrongCode)
    const found = await match(user, typed)
    return db.transaction().execute(async (trx): Promise<TurnedOff> => {
      const now = clock.now()
      const refused = await spendCode(trx, user.id, found, sessionToken, wrongCode, now)
      if (refused) return refused
      await removeTwoStep(trx, user.id, now)
      await audit(trx, user, accessAuditActions.twoStepTurnedOff, now)
      return { ok: true }
    })
  }

  // New recovery codes in place of every old one, for one signed in who has lost or used up theirs. Only
  // with a code from their app: a recovery code or a session left open is not enough to make more.
  async function replaceRecoveryCodes(
    actor: Actor,
    typed: string,
    sessionToken: string,
  ): Promise<NewRecoveryCodes> {
    const user = await db
      .selectFrom('users')
      .select(['id', 'organisationId', 'twoStepKey', 'twoStepLastStep', 'twoStepSetUpAt'])
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow()
    if (!user.twoStepSetUpAt) return { ok: false, reason: 'not-set-up' }
    // Nothing typed is not a guess: said so, and not counted.
    if (!typed.trim()) return { ok: false, reason: 'invalid', errors: { code: missingAppCode } }
    const found = readEnteredCode(typed)?.kind === 'app' ? await match(user, typed) : null
    const recoveryCodes = found ? newRecoveryCodes() : []
    const hashes = await Promise.all(recoveryCodes.map((code) => hashPassword(code)))
    return db.transaction().execute(async (trx): Promise<NewRecoveryCodes> => {
      const now = clock.now()
      const refused = await spendCode(trx, user.id, found, sessionToken, wrongAppCode, now)
      if (refused) return refused
      const unusedBefore = await unusedRecoveryCodes(trx, user.id)
      await putRecoveryCodes(trx, user.id, hashes, now)
      await audit(trx, user, accessAuditActions.recoveryCodesReplaced, now, {
        recoveryCodes: hashes.length,
        unusedCodesReplaced: unusedBefore,
      })
      return { ok: true, recoveryCodes }
    })
  }

  function audit(
    trx: DbOrTransaction,
    user: { id: string; organisationId: string },
    action: AuditActionName,
    now: Date,
    after?: unknown,
  ) {
    return recordAudit(trx, {
      actorUserId: user.id,
      organisationId: user.organisationId,
      action,
      entityType: 'user',
      entityId: user.id,
      after,
      occurredAt: now,
    })
  }

  return { partialSession, enterCode, keyToSetUp, confirmSetUp, status, turnOff, replaceRecoveryCodes }
}

export type TwoStepService = ReturnType<typeof createTwoStepService>
