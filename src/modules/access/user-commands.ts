import { sql } from 'kysely'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import { isRole, type OrganisationKind, rolesForOrganisationKind } from '../../domain/roles.ts'
import { recordAudit } from '../audit/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'
import { createInvitedUser } from './invitations.ts'
import { inviteeProblems } from './invitees.ts'
import { createOrganisationByCommand, organisationFieldProblems } from './organisations.service.ts'
import { findUserByEmail, sendPasswordLink } from './passwords.ts'
import { removeTwoStep } from './two-step-records.ts'
import type { UserDeps } from './user-reads.ts'

// What an administrator of the install does with the carehub command, as nobody signed in: the
// invitation and the password link are those the web sends (invitations.ts, passwords.ts); only who
// asked differs. Errors are keyed by the command's options.

export type CommandUserInput = {
  email: string
  name: string
  role: string
  organisation: string
  organisationKind: OrganisationKind
  onsCode?: string
}

// The first admin of a production install comes from here: no account ever has a known password.
// The new user gets a single-use link to set their own password (printed, and e-mailed through the outbox).
export async function createUserByCommand(
  deps: UserDeps,
  input: CommandUserInput,
): Promise<Outcome<{ userId: string; link: string }>> {
  const { db, clock, baseUrl } = deps
  const email = input.email.trim().toLowerCase()
  const displayName = input.name.trim()
  const organisationName = input.organisation.trim()
  const kind = input.organisationKind
  const errors: FieldErrors = {}
  const invitee = inviteeProblems(email, displayName)
  if (invitee.email) errors.email = invitee.email
  if (invitee.displayName) errors.name = invitee.displayName
  if (!isRole(input.role) || !rolesForOrganisationKind[kind].includes(input.role))
    errors.role = `A ${kind} user cannot have the role ${input.role}`
  if (Object.keys(errors).length) return { ok: false, errors }

  return db.transaction().execute(async (trx): Promise<Outcome<{ userId: string; link: string }>> => {
    const now = clock.now()
    if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())
      return { ok: false, errors: { email: `A user with the e-mail address ${email} already exists` } }
    const organisation = await trx
      .selectFrom('organisations')
      .select(['id', 'kind'])
      .where(sql`lower(name)`, '=', organisationName.toLowerCase())
      .executeTakeFirst()
    let organisationId = organisation?.id
    if (organisation && organisation.kind !== kind) {
      return {
        ok: false,
        errors: { organisation: `${organisationName} is a ${organisation.kind}, not a ${kind}` },
      }
    }
    if (!organisationId) {
      const fields = { name: organisationName, onsCode: input.onsCode ?? '', odsCode: '' }
      const problems = organisationFieldProblems(fields, kind)
      if (Object.keys(problems).length) {
        const { name, ...rest } = problems
        return { ok: false, errors: name ? { organisation: name, ...rest } : rest }
      }
      organisationId = await createOrganisationByCommand(trx, { ...fields, kind }, now, deps.councilCreated)
    }
    const invitee = { email, displayName, role: input.role, organisationId, isApprover: false }
    const created = await createInvitedUser(trx, baseUrl, invitee, now, {
      actorUserId: null,
      action: accessAuditActions.userCreatedByCommand,
    })
    return { ok: true, value: created }
  })
}

// Unlocks the account too: an administrator resetting a password is also the way out of a lockout.
export async function resetPasswordByCommand(
  { db, clock, baseUrl }: UserDeps,
  emailInput: string,
): Promise<Outcome<{ link: string }>> {
  return db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, emailInput)
    if (!user)
      return {
        ok: false,
        errors: { email: `No user has the e-mail address ${emailInput.trim().toLowerCase()}` },
      }
    await trx
      .updateTable('users')
      .set({ failedSignInCount: 0, lockedUntil: null })
      .where('id', '=', user.id)
      .execute()
    const link = await sendPasswordLink(trx, baseUrl, user, clock.now(), { by: 'command' })
    return { ok: true, value: { link } }
  })
}

// The way back in for an admin with no other admin to reset them (lost phone and recovery codes): their
// key and recovery codes removed, their sessions ended, audited as done by the command.
export async function resetTwoStepByCommand(
  { db, clock }: UserDeps,
  emailInput: string,
): Promise<Outcome<null>> {
  return db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, emailInput)
    if (!user)
      return {
        ok: false,
        errors: { email: `No user has the e-mail address ${emailInput.trim().toLowerCase()}` },
      }
    const now = clock.now()
    await removeTwoStep(trx, user.id, now)
    await trx.deleteFrom('sessions').where('userId', '=', user.id).execute()
    await recordAudit(trx, {
      actorUserId: null,
      organisationId: user.organisationId,
      action: accessAuditActions.twoStepReset,
      entityType: 'user',
      entityId: user.id,
      after: { twoStepSetUpAt: null, by: 'command' },
      occurredAt: now,
    })
    return { ok: true, value: null }
  })
}
