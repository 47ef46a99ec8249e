// Every audited action, named once.
export const AuditAction = {
  signedIn: 'signed-in',
  signInFailed: 'sign-in-failed',
  accountLocked: 'account-locked',
  signInWhileLocked: 'sign-in-while-locked',
  signedOut: 'signed-out',
  accountUnlocked: 'account-unlocked',
  userInvited: 'user-invited',
  invitationResent: 'invitation-resent',
  invitationAccepted: 'invitation-accepted',
  userUpdated: 'user-updated',
  userDisabled: 'user-disabled',
  userEnabled: 'user-enabled',
  userCreatedByCommand: 'user-created-by-command',
  passwordResetRequested: 'password-reset-requested',
  passwordReset: 'password-reset',
  passwordChanged: 'password-changed',
  organisationCreated: 'organisation-created',
  organisationUpdated: 'organisation-updated',
  outboxRetried: 'outbox-message-retried',
  demoLoaded: 'demo-county-loaded',
} as const

export type AuditActionName = (typeof AuditAction)[keyof typeof AuditAction]
