import type { DbOrTransaction } from '../../db/database.ts'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import type { Role } from '../../domain/roles.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { sendAccountLink } from './account-links.ts'
import { invitationSettled, inviteeProblems } from './invitees.ts'
import { passwordSignInIsOff } from './sign-in-hooks.ts'
import { getUser, rolesFor, type UserDeps } from './user-reads.ts'

export type InviteInput = { email: string; displayName: string; role: string; organisationId: string }

export type Invitee = {
  email: string
  displayName: string
  role: string
  organisationId: string
  isApprover: boolean
}

// An organisation whose password sign-in is off (its single sign-on requires it) gets no invitations:
// one would lead only to a password the sign-in page refuses, with a role the directory's groups replace
// at the first sign-in. Its people get their account by signing in, once they are in a mapped group.
export const signsInWithOwnAccounts =
  'This organisation signs in with its own accounts (single sign-on), so people do not need an invitation: ask your IT team to add them to a group that gives a CareHub role, then they can sign in with their work account'

// Why people cannot be invited to this organisation, or null: the organisation field's error.
export async function organisationProblem(
  deps: UserDeps,
  actor: Actor,
  organisationId: string,
): Promise<string | null> {
  if (!organisationId || (await rolesFor(deps, actor, organisationId)).length === 0)
    return 'Select the person’s organisation'
  const hooks = { passwordSignInOff: deps.passwordSignInOff }
  if (await passwordSignInIsOff(hooks, deps.db, organisationId)) return signsInWithOwnAccounts
  return null
}

// `userId` null: the address has an account the actor may not know of, whose owner is told instead.
export async function inviteUser(
  deps: UserDeps,
  actor: Actor,
  input: InviteInput,
): Promise<Outcome<{ userId: string | null }>> {
  const { db, clock, baseUrl } = deps
  const errors: FieldErrors = {}
  const email = input.email.trim().toLowerCase()
  const displayName = input.displayName.trim()
  Object.assign(errors, inviteeProblems(email, displayName))
  const organisation = await organisationProblem(deps, actor, input.organisationId)
  if (organisation) errors.organisationId = organisation
  else if (!(await rolesFor(deps, actor, input.organisationId)).includes(input.role as Role))
    errors.role = 'Select a role this organisation’s users can have'
  const settled = await invitationSettled(db, actor, email, errors, { now: () => clock.now(), baseUrl })
  if (settled) return settled

  const userId = await db.transaction().execute(async (trx) => {
    const invitee = { email, displayName, role: input.role, organisationId: input.organisationId }
    const created = await createInvitedUser(trx, baseUrl, { ...invitee, isApprover: false }, clock.now(), {
      actorUserId: actor.userId,
      action: accessAuditActions.userInvited,
    })
    return created.userId
  })
  return { ok: true, value: { userId } }
}

// One invitation, whoever sends it (an admin, a provider's approver, the carehub command): the user, a
// single-use link by e-mail, and the audit record. Returns the link too, for the command to print.
export async function createInvitedUser(
  trx: DbOrTransaction,
  baseUrl: string,
  invitee: Invitee,
  now: Date,
  by: { actorUserId: string | null; action: AuditActionName },
): Promise<{ userId: string; link: string }> {
  const user = await trx
    .insertInto('users')
    .values({ ...invitee, status: 'invited', createdAt: now, updatedAt: now })
    .returning(['id', 'email', 'displayName', 'role', 'organisationId', 'status', 'isApprover'])
    .executeTakeFirstOrThrow()
  const link = await sendAccountLink(trx, baseUrl, user, 'invitation', now)
  await recordAudit(trx, {
    actorUserId: by.actorUserId,
    organisationId: invitee.organisationId,
    action: by.action,
    entityType: 'user',
    entityId: user.id,
    after: user,
    occurredAt: now,
  })
  return { userId: user.id, link }
}

// Null when there is no such invitation the actor may send again; refused (nothing sent) when its
// organisation has since turned password sign-in off.
export async function resendInvitation(
  deps: UserDeps,
  actor: Actor,
  userId: string,
): Promise<Outcome<null> | null> {
  const { db, clock, baseUrl } = deps
  const user = await getUser(deps, actor, userId)
  if (user?.status !== 'invited') return null
  if (user.passwordSignInOff) return { ok: false, errors: { invitation: signsInWithOwnAccounts } }
  await db.transaction().execute(async (trx) => {
    const now = clock.now()
    await sendAccountLink(trx, baseUrl, user, 'invitation', now)
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: user.organisationId,
      action: accessAuditActions.invitationResent,
      entityType: 'user',
      entityId: user.id,
      occurredAt: now,
    })
  })
  return { ok: true, value: null }
}
