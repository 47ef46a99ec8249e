import { auditActions } from '../audit/index.ts'

// What access records in the audit trail: signing in and out, accounts, organisations.
export const accessAuditActions = auditActions({
  signedIn: 'signed-in',
  signInFailed: 'sign-in-failed',
  accountLocked: 'account-locked',
  signInWhileLocked: 'sign-in-while-locked',
  signedOut: 'signed-out',
  // The right password, but the organisation signs in only with its own account (single sign-on).
  passwordSignInRefused: 'password-sign-in-refused',
  accountUnlocked: 'account-unlocked',
  userInvited: 'user-invited',
  invitationResent: 'invitation-resent',
  invitationAccepted: 'invitation-accepted',
  invitationToExistingAccount: 'invitation-to-existing-account',
  userUpdated: 'user-updated',
  userDisabled: 'user-disabled',
  userEnabled: 'user-enabled',
  userCreatedByCommand: 'user-created-by-command',
  passwordResetRequested: 'password-reset-requested',
  passwordReset: 'password-reset',
  passwordChanged: 'password-changed',
  organisationCreated: 'organisation-created',
  organisationUpdated: 'organisation-updated',
  twoStepSetUp: 'two-step-set-up',
  twoStepTurnedOff: 'two-step-turned-off',
  twoStepCodeFailed: 'two-step-code-failed',
  recoveryCodeUsed: 'recovery-code-used',
  recoveryCodesReplaced: 'recovery-codes-replaced',
  twoStepReset: 'two-step-reset',
})
