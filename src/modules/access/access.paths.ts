import { pagePath } from '../../web/page-path.ts'

// Access's pages. The sign-in page's path is the shell's own (`paths.signIn` in web/paths.ts): the
// shell sends everyone who is not signed in there (web/session.ts), and web imports no capability.
export const accessPaths = {
  signOut: pagePath('/sign-out'),
  forgotPassword: pagePath('/forgot-password'),
  resetPassword: pagePath('/reset-password/:token'),
  acceptInvitation: pagePath('/accept-invitation/:token'),
  // Two-step sign-in: the code after the password, setting it up, and a user's own page about it.
  twoStepCode: pagePath('/two-step-sign-in/code'),
  twoStepSetUp: pagePath('/two-step-sign-in/set-up'),
  twoStep: pagePath('/two-step-sign-in'),
  twoStepTurnOff: pagePath('/two-step-sign-in/turn-off'),
  twoStepNewRecoveryCodes: pagePath('/two-step-sign-in/new-recovery-codes'),
  admin: {
    users: pagePath('/admin/users'),
    inviteUser: pagePath('/admin/users/invite'),
    invitationSent: pagePath('/admin/users/invitation-sent'),
    user: pagePath('/admin/users/:id'),
    editUser: pagePath('/admin/users/:id/edit'),
    disableUser: pagePath('/admin/users/:id/disable'),
    enableUser: pagePath('/admin/users/:id/enable'),
    unlockUser: pagePath('/admin/users/:id/unlock'),
    resendInvitation: pagePath('/admin/users/:id/resend-invitation'),
    resetTwoStep: pagePath('/admin/users/:id/reset-two-step'),
    organisations: pagePath('/admin/organisations'),
    newOrganisation: pagePath('/admin/organisations/new'),
    organisation: pagePath('/admin/organisations/:id'),
    editOrganisation: pagePath('/admin/organisations/:id/edit'),
  },
}
