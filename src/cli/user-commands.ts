import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Clock } from '../domain/clock.ts'
import { isRole, type OrganisationKind, rolesForOrganisationKind } from '../domain/roles.ts'
import { issueToken } from '../modules/access/one-time-tokens.ts'
import { recordAudit } from '../modules/audit/audit.repository.ts'
import { AuditAction } from '../modules/audit/audit-actions.ts'
import { enqueueEmail } from '../modules/comms/outbox.repository.ts'

export type CreateUserInput = {
  email: string
  name: string
  role: string
  organisation: string
  organisationKind: OrganisationKind
  onsCode?: string
}

// The first admin of a production install comes from here: no account ever has a known password.
// The new user gets a single-use link to set their own password (printed, and e-mailed through the outbox).
export async function createUserByCommand(db: Db, clock: Clock, baseUrl: string, input: CreateUserInput) {
  const email = input.email.trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error('--email must be an e-mail address')
  if (!isRole(input.role))
    throw new Error(
      `--role must be one of: ${Object.values(rolesForOrganisationKind)
        .flat()
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(', ')}`,
    )
  if (!rolesForOrganisationKind[input.organisationKind].includes(input.role)) {
    throw new Error(`A ${input.organisationKind} user cannot have the role ${input.role}`)
  }
  return db.transaction().execute(async (trx) => {
    const now = clock.now()
    if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
      throw new Error(`A user with the e-mail address ${email} already exists`)
    }
    let organisation = await trx
      .selectFrom('organisations')
      .select(['id', 'kind'])
      .where(sql`lower(name)`, '=', input.organisation.trim().toLowerCase())
      .executeTakeFirst()
    if (!organisation) {
      if (input.organisationKind === 'council' && !input.onsCode)
        throw new Error('A new council needs --ons-code')
      organisation = await trx
        .insertInto('organisations')
        .values({
          name: input.organisation.trim(),
          kind: input.organisationKind,
          onsCode: input.onsCode?.toUpperCase() ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning(['id', 'kind'])
        .executeTakeFirstOrThrow()
    } else if (organisation.kind !== input.organisationKind) {
      throw new Error(`${input.organisation} is a ${organisation.kind}, not a ${input.organisationKind}`)
    }
    const user = await trx
      .insertInto('users')
      .values({
        email,
        displayName: input.name.trim(),
        role: input.role,
        organisationId: organisation.id,
        status: 'invited',
        createdAt: now,
        updatedAt: now,
      })
      .returning(['id', 'email', 'displayName', 'role', 'organisationId'])
      .executeTakeFirstOrThrow()
    const token = await issueToken(trx, user.id, 'invitation', now)
    const link = `${baseUrl}/accept-invitation/${token}`
    await enqueueEmail(
      trx,
      {
        kind: 'invitation',
        to: email,
        subject: 'Your CareHub account',
        body: `Set your CareHub password using this link (it works once and expires in 7 days):\n${link}`,
      },
      now,
    )
    await recordAudit(trx, {
      actorUserId: null,
      organisationId: organisation.id,
      action: AuditAction.userCreatedByCommand,
      entityType: 'user',
      entityId: user.id,
      after: user,
      occurredAt: now,
    })
    return { userId: user.id, link }
  })
}

export async function resetPasswordByCommand(db: Db, clock: Clock, baseUrl: string, emailInput: string) {
  const email = emailInput.trim().toLowerCase()
  return db.transaction().execute(async (trx) => {
    const now = clock.now()
    const user = await trx
      .selectFrom('users')
      .select(['id', 'organisationId', 'status'])
      .where('email', '=', email)
      .executeTakeFirst()
    if (!user) throw new Error(`No user has the e-mail address ${email}`)
    const purpose = user.status === 'invited' ? 'invitation' : 'password_reset'
    const token = await issueToken(trx, user.id, purpose, now)
    const link = `${baseUrl}/${purpose === 'invitation' ? 'accept-invitation' : 'reset-password'}/${token}`
    // Unlock too: an administrator resetting a password is also the way out of a lockout.
    await trx
      .updateTable('users')
      .set({
        failedSignInCount: 0,
        lockedUntil: null,
        status: user.status === 'disabled' ? 'disabled' : user.status,
      })
      .where('id', '=', user.id)
      .execute()
    await enqueueEmail(
      trx,
      {
        kind: 'password-reset',
        to: email,
        subject: 'Reset your CareHub password',
        body: `Choose a new CareHub password using this link (it works once):\n${link}`,
      },
      now,
    )
    await recordAudit(trx, {
      actorUserId: null,
      organisationId: user.organisationId,
      action: AuditAction.passwordResetRequested,
      entityType: 'user',
      entityId: user.id,
      after: { by: 'command' },
      occurredAt: now,
    })
    return { link }
  })
}
