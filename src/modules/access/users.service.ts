import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible, organisationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { type Actor, assignableRoles, can, locationScope, organisationScope } from '../../domain/policy.ts'
import { isOrganisationKind, type Role, rolesForOrganisationKind } from '../../domain/roles.ts'
import { isLocked, passwordProblem } from '../../domain/sign-in.rules.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { enqueueEmail } from '../comms/outbox.repository.ts'
import { hashPassword } from './credentials.ts'
import { existingAccount, inviteeProblems, tellAccountHolder } from './invitees.ts'
import { consumeToken, findLiveToken, issueToken } from './one-time-tokens.ts'

export type FieldErrors = Record<string, string>
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

export type InviteInput = { email: string; displayName: string; role: string; organisationId: string }

export function createUserService(deps: { db: Db; clock: Clock; baseUrl: string }) {
  const { db, clock, baseUrl } = deps

  function visibleUsers(actor: Actor) {
    return db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisationId')
      .where(organisationVisible(organisationScope(actor)))
  }

  async function listUsers(actor: Actor, filter: { search?: string; page: number; pageSize: number }) {
    if (!can(actor, 'users:manage')) return null
    let query = visibleUsers(actor)
    if (filter.search) {
      const term = `%${filter.search.toLowerCase()}%`
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(users.display_name)`, 'like', term),
          eb('users.email', 'like', term),
          eb(sql`lower(organisations.name)`, 'like', term),
        ]),
      )
    }
    const [{ count }] = (await query.select((eb) => eb.fn.countAll<string>().as('count')).execute()) as [
      { count: string },
    ]
    const users = await query
      .select([
        'users.id',
        'users.email',
        'users.displayName',
        'users.role',
        'users.status',
        'users.lockedUntil',
        'users.lastSignedInAt',
        'organisations.name as organisationName',
      ])
      .orderBy('organisations.name')
      .orderBy('users.displayName')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    const now = clock.now()
    return { users: users.map((u) => ({ ...u, locked: isLocked(u, now) })), total: Number(count) }
  }

  async function getUser(actor: Actor, userId: string) {
    if (!can(actor, 'users:manage') || !isUuid(userId)) return null
    const user = await visibleUsers(actor)
      .select([
        'users.id',
        'users.email',
        'users.displayName',
        'users.role',
        'users.status',
        'users.lockedUntil',
        'users.failedSignInCount',
        'users.lastSignedInAt',
        'users.createdAt',
        'users.organisationId',
        'organisations.name as organisationName',
        'organisations.kind as organisationKind',
      ])
      .where('users.id', '=', userId)
      .executeTakeFirst()
    return user ? { ...user, locked: isLocked(user, clock.now()) } : null
  }

  async function organisationsForInvite(actor: Actor) {
    if (!can(actor, 'users:manage')) return []
    return db
      .selectFrom('organisations')
      .select(['id', 'name', 'kind'])
      .where(organisationVisible(organisationScope(actor)))
      .orderBy('name')
      .execute()
  }

  async function rolesFor(actor: Actor, organisationId: string): Promise<Role[]> {
    if (!isUuid(organisationId)) return []
    const organisation = await db
      .selectFrom('organisations')
      .select(['id', 'kind'])
      .where('id', '=', organisationId)
      .where(organisationVisible(organisationScope(actor)))
      .executeTakeFirst()
    if (!organisation || !isOrganisationKind(organisation.kind)) return []
    return assignableRoles(actor, organisation.kind, rolesForOrganisationKind[organisation.kind])
  }

  // `userId` null: the address has an account the actor may not know of, whose owner is told instead.
  async function inviteUser(actor: Actor, input: InviteInput): Promise<Outcome<{ userId: string | null }>> {
    const errors: FieldErrors = {}
    const email = input.email.trim().toLowerCase()
    const displayName = input.displayName.trim()
    Object.assign(errors, inviteeProblems(email, displayName))
    const allowed = await rolesFor(actor, input.organisationId)
    if (!input.organisationId || allowed.length === 0)
      errors.organisationId = 'Select the person’s organisation'
    else if (!allowed.includes(input.role as Role))
      errors.role = 'Select a role this organisation’s users can have'
    const account = errors.email ? null : await existingAccount(db, actor, email)
    if (account?.kind === 'visible') errors.email = 'A user with this e-mail address already exists'
    if (Object.keys(errors).length) return { ok: false, errors }
    if (account?.kind === 'hidden') {
      await tellAccountHolder(db, actor, account.user, email, { now: clock.now(), baseUrl })
      return { ok: true, value: { userId: null } }
    }

    const userId = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      return createInvitedUser(
        trx,
        actor,
        { email, displayName, role: input.role, organisationId: input.organisationId, isApprover: false },
        now,
      )
    })
    return { ok: true, value: { userId } }
  }

  // One invitation, whoever sends it: the user, a single-use link by e-mail, and the audit record.
  async function createInvitedUser(
    trx: DbOrTransaction,
    actor: Actor,
    invitee: {
      email: string
      displayName: string
      role: string
      organisationId: string
      isApprover: boolean
    },
    now: Date,
  ): Promise<string> {
    const user = await trx
      .insertInto('users')
      .values({ ...invitee, status: 'invited', createdAt: now, updatedAt: now })
      .returning(['id', 'email', 'displayName', 'role', 'organisationId', 'status', 'isApprover'])
      .executeTakeFirstOrThrow()
    const token = await issueToken(trx, user.id, 'invitation', now)
    await enqueueEmail(trx, invitationEmail(invitee.email, invitee.displayName, token), now)
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: invitee.organisationId,
      action: AuditAction.userInvited,
      entityType: 'user',
      entityId: user.id,
      after: user,
      occurredAt: now,
    })
    return user.id
  }

  function invitationEmail(to: string, name: string, token: string) {
    return {
      kind: 'invitation',
      to,
      subject: 'You have been invited to CareHub',
      body: [
        `Dear ${name},`,
        '',
        'You have been given an account on CareHub, the service that care providers, the council and NHS partners use to share the situation in local care services.',
        '',
        'Set your password using this link. It works once and expires in 7 days:',
        `${baseUrl}/accept-invitation/${token}`,
        '',
        'If you were not expecting this, you can ignore this e-mail.',
      ].join('\n'),
    }
  }

  async function resendInvitation(actor: Actor, userId: string): Promise<boolean> {
    const user = await getUser(actor, userId)
    if (user?.status !== 'invited') return false
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const token = await issueToken(trx, user.id, 'invitation', now)
      await enqueueEmail(trx, invitationEmail(user.email, user.displayName, token), now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: user.organisationId,
        action: AuditAction.invitationResent,
        entityType: 'user',
        entityId: user.id,
        occurredAt: now,
      })
    })
    return true
  }

  async function changeStatus(
    actor: Actor,
    userId: string,
    change: 'disable' | 'enable' | 'unlock',
  ): Promise<boolean> {
    const user = await getUser(actor, userId)
    if (!user || user.id === actor.userId) return false
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const before = {
        status: user.status,
        lockedUntil: user.lockedUntil,
        failedSignInCount: user.failedSignInCount,
      }
      let after: Record<string, unknown>
      let action: (typeof AuditAction)[keyof typeof AuditAction]
      if (change === 'unlock') {
        after = { lockedUntil: null, failedSignInCount: 0 }
        action = AuditAction.accountUnlocked
      } else if (change === 'disable') {
        after = { status: 'disabled' }
        action = AuditAction.userDisabled
        await trx.deleteFrom('sessions').where('userId', '=', user.id).execute()
      } else {
        after = { status: (await hasPassword(user.id)) ? 'active' : 'invited' }
        action = AuditAction.userEnabled
      }
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

  async function hasPassword(userId: string) {
    const row = await db
      .selectFrom('users')
      .select('passwordHash')
      .where('id', '=', userId)
      .executeTakeFirst()
    return Boolean(row?.passwordHash)
  }

  async function changeRole(
    actor: Actor,
    userId: string,
    input: { role: string; displayName: string },
  ): Promise<Outcome<null> | null> {
    const user = await getUser(actor, userId)
    if (!user) return null
    const errors: FieldErrors = {}
    const displayName = input.displayName.trim()
    if (!displayName) errors.displayName = 'Enter the person’s full name'
    else if (displayName.length > textLimits.name)
      errors.displayName = tooLong('Full name', displayName, textLimits.name)!
    const allowed = await rolesFor(actor, user.organisationId)
    if (!allowed.includes(input.role as Role))
      errors.role = 'Select a role this organisation’s users can have'
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
        action: AuditAction.userUpdated,
        entityType: 'user',
        entityId: user.id,
        before: { role: user.role, displayName: user.displayName },
        after: { role: input.role, displayName },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // Public: always looks the same to the person asking, whether or not the address has an account.
  async function requestPasswordReset(emailInput: string): Promise<void> {
    const email = emailInput.trim().toLowerCase()
    const user = await db
      .selectFrom('users')
      .select(['id', 'displayName', 'organisationId', 'status'])
      .where('email', '=', email)
      .executeTakeFirst()
    if (!user || user.status === 'disabled') return
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const purpose = user.status === 'invited' ? 'invitation' : 'password_reset'
      const token = await issueToken(trx, user.id, purpose, now)
      await enqueueEmail(
        trx,
        purpose === 'invitation'
          ? invitationEmail(email, user.displayName, token)
          : {
              kind: 'password-reset',
              to: email,
              subject: 'Reset your CareHub password',
              body: [
                `Dear ${user.displayName},`,
                '',
                'Someone asked to reset the password for your CareHub account. Use this link to choose a new one. It works once and expires in 2 hours:',
                `${baseUrl}/reset-password/${token}`,
                '',
                'If this was not you, you can ignore this e-mail: your password has not changed.',
              ].join('\n'),
            },
        now,
      )
      await recordAudit(trx, {
        actorUserId: null,
        organisationId: user.organisationId,
        action: AuditAction.passwordResetRequested,
        entityType: 'user',
        entityId: user.id,
        occurredAt: now,
      })
    })
  }

  async function checkToken(token: string, purpose: 'invitation' | 'password_reset') {
    return (await findLiveToken(db, token, purpose, clock.now())) ?? null
  }

  // Accepting an invitation and resetting a password both set a password through a single-use link.
  async function setPasswordWithToken(
    token: string,
    purpose: 'invitation' | 'password_reset',
    password: string,
    confirmation: string,
  ): Promise<Outcome<{ userId: string }> | null> {
    const live = await checkToken(token, purpose)
    if (!live || live.status === 'disabled') return null
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
        action: purpose === 'invitation' ? AuditAction.invitationAccepted : AuditAction.passwordReset,
        entityType: 'user',
        entityId: live.userId,
        occurredAt: now,
      })
      return true
    })
    return done ? { ok: true, value: { userId: live.userId } } : null
  }

  // Who may invite a provider's users: admins who see the provider, and the provider's own approver.
  async function mayInviteToProvider(actor: Actor, providerId: string): Promise<boolean> {
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

  async function inviteToProvider(
    actor: Actor,
    providerId: string,
    input: { email: string; displayName: string; approver: boolean },
  ): Promise<Outcome<{ userId: string | null }> | null> {
    if (!(await mayInviteToProvider(actor, providerId))) return null
    const errors: FieldErrors = {}
    const email = input.email.trim().toLowerCase()
    const displayName = input.displayName.trim()
    Object.assign(errors, inviteeProblems(email, displayName))
    const account = errors.email ? null : await existingAccount(db, actor, email)
    if (account?.kind === 'visible') errors.email = 'A user with this e-mail address already exists'
    if (Object.keys(errors).length) return { ok: false, errors }
    if (account?.kind === 'hidden') {
      await tellAccountHolder(db, actor, account.user, email, { now: clock.now(), baseUrl })
      return { ok: true, value: { userId: null } }
    }
    const userId = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      // A provider gets its organisation (for sign-in) the first time someone is invited to it.
      let organisation = await trx
        .selectFrom('organisations')
        .select('id')
        .where('providerId', '=', providerId)
        .executeTakeFirst()
      if (!organisation) {
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
        organisation = await trx
          .insertInto('organisations')
          .values({
            name: taken
              ? `${provider.name} (${provider.cqcProviderId ?? providerId.slice(0, 8)})`
              : provider.name,
            kind: 'provider',
            providerId,
            onsCode: null,
            odsCode: null,
            createdAt: now,
            updatedAt: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      }
      return createInvitedUser(
        trx,
        actor,
        {
          email,
          displayName,
          role: 'provider_manager',
          organisationId: organisation.id,
          isApprover: input.approver,
        },
        now,
      )
    })
    return { ok: true, value: { userId } }
  }

  return {
    mayInviteToProvider,
    inviteToProvider,
    listUsers,
    getUser,
    organisationsForInvite,
    rolesFor,
    inviteUser,
    resendInvitation,
    changeStatus,
    changeRole,
    requestPasswordReset,
    checkToken,
    setPasswordWithToken,
  }
}

export type UserService = ReturnType<typeof createUserService>

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}
