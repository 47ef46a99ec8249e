import { auditActions } from '../audit/index.ts'

// What single sign-on records in the audit trail (ids and the issuer only: no names or e-mails).
export const singleSignOnAuditActions = auditActions({
  settingsSaved: 'single-sign-on-settings-saved',
  settingsSetFromEnvironment: 'single-sign-on-settings-set-from-environment',
  signedIn: 'signed-in-with-single-sign-on',
  accountCreated: 'single-sign-on-account-created',
  accountLinked: 'single-sign-on-account-linked',
  // An invited user's first sign-in with single sign-on: their account made active.
  invitationAccepted: 'single-sign-on-invitation-accepted',
  roleChanged: 'single-sign-on-role-changed',
  refusedNoMappedGroup: 'single-sign-on-refused-no-mapped-group',
  refusedOtherOrganisation: 'single-sign-on-refused-other-organisation',
  refusedDisabledAccount: 'single-sign-on-refused-disabled-account',
  // Signed in again after being taken out of every mapped group: their account disabled, sessions ended.
  accountDisabledNoMappedGroup: 'single-sign-on-account-disabled-no-mapped-group',
})
