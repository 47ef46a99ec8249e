import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { type FieldErrors, isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { createInvitedUser } from './invitations.ts'
import { invitationSettled, inviteeProblems } from './invitees.ts'
import type { UserDeps } from './user-reads.ts'

// Invitations from a provider's page (directory): its staff sign in as provider managers.

// Who may invite a provider's users: admins who see the provider, and the provider's own approver.
export async function mayInviteToProvider(
  { db }: UserDeps,
  actor: Actor,
  providerId: string,
): Promise<boolean> {
  if (!isUuid(providerId)) return false
  if (actor.role === 'provider_manager') {
    if (actor.providerId !== providerId) return false
    const me = await db
      .selectFrom('users')
      .select('isApprover')
      .where('id', '=', actor.userId)
      .executeTakeFirst()
    return Boolean(me?.isApprover)
  }
  if (!can(actor, 'users:manage')) return false
  const visible = await db
    .selectFrom('locations')
    .select('locations.id')
    .where('locations.providerId', '=', providerId)
    .where(locationVisible(locationScope(actor)))
    .executeTakeFirst()
  return Boolean(visible)
}

export async function inviteToProvider(
  deps: UserDeps,
  actor: Actor,
  providerId: string,
  input: { email: string; displayName: string; approver: boolean },
): Promise<Outcome<{ userId: string | null }> | null> {
  const { db, clock, baseUrl } = deps
  if (!(await mayInviteToProvider(deps, actor, providerId))) return null
  const errors: FieldErrors = {}
  const email = input.email.trim().toLowerCase()
  const displayName = input.displayName.trim()
  Object.assign(errors, inviteeProblems(email, displayName))
  const settled = await invitationSettled(db, actor, email, errors, { now: () => clock.now(), baseUrl })
  if (settled) return settled
  const userId = await db.transaction().execute(async (trx) => {
    const now = clock.now()
    const organisationId = await providerOrganisation(trx, providerId, now)
    const invitee = {
      email,
      displayName,
      role: 'provider_manager',
      organisationId,
      isApprover: input.approver,
    }
    const created = await createInvitedUser(trx, baseUrl, invitee, now, {
      actorUserId: actor.userId,
      action: accessAuditActions.userInvited,
    })
    return created.userId
  })
  return { ok: true, value: { userId } }
}

// A provider gets its organisation (for sign-in) the first time someone is invited to it.
async function providerOrganisation(trx: DbOrTransaction, providerId: string, now: Date): Promise<string> {
  const existing = await trx
    .selectFrom('organisations')
    .select('id')
    .where('providerId', '=', providerId)
    .executeTakeFirst()
  if (existing) return existing.id
  const provider = await trx
    .selectFrom('providers')
    .select(['name', 'cqcProviderId'])
    .where('id', '=', providerId)
    .executeTakeFirstOrThrow()
  const taken = await trx
    .selectFrom('organisations')
    .select('id')
    .where(sql`lower(name)`, '=', provider.name.toLowerCase())
    .executeTakeFirst()
  const created = await trx
    .insertInto('organisations')
    .values({
      name: taken ? `${provider.name} (${provider.cqcProviderId ?? providerId.slice(0, 8)})` : provider.name,
      kind: 'provider',
      providerId,
      onsCode: null,
      odsCode: null,
      createdAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return created.id
}
