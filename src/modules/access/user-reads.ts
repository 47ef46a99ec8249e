import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { organisationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, assignableRoles, can, organisationScope } from '../../domain/policy.ts'
import { isOrganisationKind, type Role, rolesForOrganisationKind } from '../../domain/roles.ts'
import { isLocked } from './domain/sign-in.rules.ts'
import { twoStepRequired } from './domain/two-step.rules.ts'
import { type PasswordSignInOffCheck, passwordSignInIsOff } from './sign-in-hooks.ts'

// What the users service needs: the database, the time, and the address its e-mailed links start with.
// `councilCreated`: what other capabilities do when a council is added (src/capability.ts).
export type UserDeps = {
  db: Db
  clock: Clock
  baseUrl: string
  councilCreated?: readonly CouncilCreatedHook[]
  // Organisations whose users sign in only with single sign-on get no password reset links.
  passwordSignInOff?: readonly PasswordSignInOffCheck[]
}

// Done in the transaction that adds a council: the directory links the locations in its area to it.
export type CouncilCreatedHook = (
  trx: DbOrTransaction,
  council: { id: string; name: string; onsCode: string | null },
  now: Date,
) => Promise<void>

// The users an actor may manage: those of the organisations they see.
function visibleUsers(db: Db, actor: Actor) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .where(organisationVisible(organisationScope(actor)))
}

export async function listUsers(
  { db, clock }: UserDeps,
  actor: Actor,
  filter: { search?: string; page: number; pageSize: number },
) {
  if (!can(actor, 'users:manage')) return null
  let query = visibleUsers(db, actor)
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

export async function getUser(deps: UserDeps, actor: Actor, userId: string) {
  const { db, clock } = deps
  if (!can(actor, 'users:manage') || !isUuid(userId)) return null
  const user = await visibleUsers(db, actor)
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
      'users.twoStepSetUpAt',
      'users.organisationId',
      'organisations.name as organisationName',
      'organisations.kind as organisationKind',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst()
  if (!user) return null
  // Its organisation signs in only with single sign-on: no invitation to send again (invitations.ts).
  const passwordSignInOff = await passwordSignInIsOff(
    { passwordSignInOff: deps.passwordSignInOff },
    db,
    user.organisationId,
  )
  return {
    ...user,
    locked: isLocked(user, clock.now()),
    twoStepRequired: twoStepRequired(user.role),
    passwordSignInOff,
  }
}

export async function organisationsForInvite({ db }: UserDeps, actor: Actor) {
  if (!can(actor, 'users:manage')) return []
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind'])
    .where(organisationVisible(organisationScope(actor)))
    .orderBy('name')
    .execute()
}

// The roles the actor may give a user of this organisation (none if they cannot see it).
export async function rolesFor({ db }: UserDeps, actor: Actor, organisationId: string): Promise<Role[]> {
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
