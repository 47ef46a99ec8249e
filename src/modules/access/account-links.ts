import type { DbOrTransaction } from '../../db/database.ts'
import { enqueueEmail, type OutgoingEmail } from '../comms/index.ts'
import { accessPaths } from './access.paths.ts'
import { issueToken, type TokenPurpose } from './one-time-tokens.ts'

// A single-use link sent by e-mail, in the caller's transaction: an invitation to set a first
// password, or a reset of a forgotten one. Every way an account gets a link comes through here (an
// admin's invitation, a provider page's, the carehub command, the forgotten-password page).
export async function sendAccountLink(
  trx: DbOrTransaction,
  baseUrl: string,
  user: { id: string; email: string; displayName: string },
  purpose: TokenPurpose,
  now: Date,
): Promise<string> {
  const token = await issueToken(trx, user.id, purpose, now)
  const link =
    purpose === 'invitation'
      ? `${baseUrl}${accessPaths.acceptInvitation.build(token)}`
      : `${baseUrl}${accessPaths.resetPassword.build(token)}`
  const email = purpose === 'invitation' ? invitationEmail : passwordResetEmail
  await enqueueEmail(trx, email(user.email, user.displayName, link), now)
  return link
}

function invitationEmail(to: string, name: string, link: string): OutgoingEmail {
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
      link,
      '',
      'If you were not expecting this, you can ignore this e-mail.',
    ].join('\n'),
  }
}

function passwordResetEmail(to: string, name: string, link: string): OutgoingEmail {
  return {
    kind: 'password-reset',
    to,
    subject: 'Reset your CareHub password',
    body: [
      `Dear ${name},`,
      '',
      'Someone asked to reset the password for your CareHub account. Use this link to choose a new one. It works once and expires in 2 hours:',
      link,
      '',
      'If this was not you, you can ignore this e-mail: your password has not changed.',
    ].join('\n'),
  }
}
