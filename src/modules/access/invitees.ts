import type { Db } from '../../db/database.ts'
import { organisationVisible } from '../../db/scope.ts'
import type { FieldErrors, Outcome } from '../../domain/outcome.ts'
import { type Actor, organisationScope } from '../../domain/policy.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { paths as shellPaths } from '../../web/paths.ts'
import { recordAudit } from '../audit/index.ts'
import { enqueueEmail } from '../comms/index.ts'
import { accessAuditActions } from './access.audit-actions.ts'

// Who may be invited: the checks both invitation forms (an admin's, a provider page's) make of the
// person's details and of an account their address may already have.

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

// An invitee's e-mail address and name, as both invitation forms check them.
export function inviteeProblems(email: string, displayName: string): FieldErrors {
  const errors: FieldErrors = {}
  if (!email) errors.email = 'Enter an e-mail address'
  else if (!emailPattern.test(email))
    errors.email = 'Enter an e-mail address in the correct format, like name@example.org'
  else if (email.length > textLimits.email) errors.email = tooLong('E-mail address', email, textLimits.email)!
  if (!displayName) errors.displayName = 'Enter the person’s full name'
  else if (displayName.length > textLimits.name)
    errors.displayName = tooLong('Full name', displayName, textLimits.name)!
  return errors
}

// An invitation to an e-mail address that already has an account. The inviter is told so only when
// the account is one they could see anyway (a user of an organisation they manage, or of their own).
// Otherwise the form must not become a way to find out who works in another council: the inviter
// gets the outcome of any invitation ("Invitation sent"), and the account's owner an e-mail saying
// who tried to invite them, as GOV.UK services answer a sign-up with an address already registered.
// Nothing is created; the attempt is audited in the owner's organisation, not the inviter's.

export type ExistingAccount =
  | { kind: 'none' }
  | { kind: 'visible' }
  | { kind: 'hidden'; user: { id: string; displayName: string; organisationId: string } }

export async function existingAccount(db: Db, actor: Actor, email: string): Promise<ExistingAccount> {
  const user = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .select(['users.id', 'users.displayName', 'users.organisationId'])
    .select((eb) =>
      eb
        .or([
          organisationVisible(organisationScope(actor))(eb),
          eb('users.organisationId', '=', actor.organisationId),
        ])
        .as('visible'),
    )
    .where('users.email', '=', email)
    .executeTakeFirst()
  if (!user) return { kind: 'none' }
  if (user.visible) return { kind: 'visible' }
  return {
    kind: 'hidden',
    user: { id: user.id, displayName: user.displayName, organisationId: user.organisationId },
  }
}

export async function tellAccountHolder(
  db: Db,
  actor: Actor,
  holder: { id: string; displayName: string; organisationId: string },
  email: string,
  options: { now: Date; baseUrl: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const inviter = await trx
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', actor.organisationId)
      .executeTakeFirstOrThrow()
    await enqueueEmail(
      trx,
      {
        kind: 'invitation-to-existing-account',
        to: email,
        subject: 'Someone tried to invite you to CareHub',
        body: [
          `Dear ${holder.displayName},`,
          '',
          `Someone at ${inviter.name} tried to give you a CareHub account with this e-mail address. You already have one, so nothing has changed: your account and how you sign in are as they were.`,
          '',
          `If you need to work with ${inviter.name} in CareHub, ask them to contact the CareHub support team. You can sign in as usual at ${options.baseUrl}${shellPaths.signIn()}.`,
          '',
          'If you were not expecting this, you can ignore this e-mail.',
        ].join('\n'),
      },
      options.now,
    )
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: holder.organisationId,
      action: accessAuditActions.invitationToExistingAccount,
      entityType: 'user',
      entityId: holder.id,
      after: { invitedByOrganisationId: actor.organisationId },
      occurredAt: options.now,
    })
  })
}

// Once an invitation form's own problems are known: it is refused (every problem at once, an address
// already in use among them), or it ends with the account holder told (above), or null: the invitation
// goes on to create the user.
export async function invitationSettled(
  db: Db,
  actor: Actor,
  email: string,
  errors: FieldErrors,
  options: { now: () => Date; baseUrl: string },
): Promise<Outcome<{ userId: null }> | null> {
  const account = errors.email ? null : await existingAccount(db, actor, email)
  if (account?.kind === 'visible') errors.email = 'A user with this e-mail address already exists'
  if (Object.keys(errors).length) return { ok: false, errors }
  if (account?.kind !== 'hidden') return null
  await tellAccountHolder(db, actor, account.user, email, { now: options.now(), baseUrl: options.baseUrl })
  return { ok: true, value: { userId: null } }
}
