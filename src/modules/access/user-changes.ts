import type { DbOrTransaction } from '../../db/database.ts'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import type { Role } from '../../domain/roles.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { removeTwoStep } from './two-step-records.ts'
import { getUser, rolesFor, type UserDeps } from './user-reads.ts'

// An admin's changes to a user they manage: status (disable, enable, unlock), name and role.

export async function changeStatus(
  deps: UserDeps,
  actor: Actor,
  userId: string,
  change: 'disable' | 'enable' | 'unlock',
): Promise<boolean> {
  const { db, clock } = deps
  const user = await getUser(deps, actor, userId)
  if (!user || user.id === actor.userId) return false
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    const before = {
      status: user.status,
      lockedUntil: user.lockedUntil,
      failedSignInCount: user.failedSignInCount,
    }
    let after: Record<string, unknown>
    let action: AuditActionName
    if (change === 'unlock') {
      after = { lockedUntil: null, failedSignInCount: 0 }
      action = accessAuditActions.accountUnlocked
    } else if (change === 'disable') {
      after = { status: 'disabled' }
      action = accessAuditActions.userDisabled
    } else {
      const row = await trx
        .selectFrom('users')
        .select('passwordHash')
        .where('id', '=', user.id)
        .executeTakeFirst()
      after = { status: row?.passwordHash ? 'active' : 'invited' }
      action = accessAuditActions.userEnabled
    }
    if (change === 'disable') await disableAccount(trx, user.id, now)
    else
      await trx
        .updateTable('users')
        .set({ ...after, updatedAt: now })
        .where('id', '=', user.id)
        .execute()
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: user.organisationId,
      action,
      entityType: 'user',
      entityId: user.id,
      before,
      after,
      occurredAt: now,
    })
  })
  return true
}

// A disabled account is signed out at once: every session it has open ends in the same transaction.
// Whoever disables it records why (an admin here; single sign-on for one removed from every mapped group).
export async function disableAccount(trx: DbOrTransaction, userId: string, now: Date) {
  await trx
    .updateTable('users')
    .set({ status: 'disabled', updatedAt: now })
    .where('id', '=', userId)
    .execute()
  await trx.deleteFrom('sessions').where('userId', '=', userId).execute()
}

export async function changeRole(
  deps: UserDeps,
  actor: Actor,
  userId: string,
  input: { role: string; displayName: string },
): Promise<Outcome<null> | null> {
  const { db, clock } = deps
  const user = await getUser(deps, actor, userId)
  if (!user) return null
  const errors: FieldErrors = {}
  const displayName = input.displayName.trim()
  if (!displayName) errors.displayName = 'Enter the person’s full name'
  else if (displayName.length > textLimits.name)
    errors.displayName = tooLong('Full name', displayName, textLimits.name)!
  const allowed = await rolesFor(deps, actor, user.organisationId)
  if (!allowed.includes(input.role as Role)) errors.role = 'Select a role this organisation’s users can have'
  if (user.id === actor.userId && input.role !== user.role) errors.role = 'You cannot change your own role'
  if (Object.keys(errors).length) return { ok: false, errors }
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    await trx
      .updateTable('users')
      .set({ role: input.role, displayName, updatedAt: now })
      .where('id', '=', user.id)
      .execute()
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: user.organisationId,
      action: accessAuditActions.userUpdated,
      entityType: 'user',
      entityId: user.id,
      before: { role: user.role, displayName: user.displayName },
      after: { role: input.role, displayName },
      occurredAt: now,
    })
  })
  return { ok: true, value: null }
}

// Someone who lost their authenticator app and their recovery codes: their key and recovery codes are
// removed and their sessions ended; their next sign-in asks them to set it up again (required roles) or
// lets them in with their password (the rest). The audit record holds no secret.
export async function resetTwoStep(deps: UserDeps, actor: Actor, userId: string): Promise<boolean> {
  const { db, clock } = deps
  const user = await getUser(deps, actor, userId)
  if (!user || user.id === actor.userId) return false
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    await removeTwoStep(trx, user.id, now)
    await trx.deleteFrom('sessions').where('userId', '=', user.id).execute()
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: user.organisationId,
      action: accessAuditActions.twoStepReset,
      entityType: 'user',
      entityId: user.id,
      before: { twoStepSetUpAt: user.twoStepSetUpAt },
      after: { twoStepSetUpAt: null },
      occurredAt: now,
    })
  })
  return true
}
