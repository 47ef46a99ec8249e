import { pagePath } from '../../web/page-path.ts'

// Single sign-on's pages: each pattern is its route's, and every link is built from it.
export const singleSignOnPaths = {
  organisationAccountSignIn: pagePath('/sign-in/organisation-account'),
  startOrganisationAccountSignIn: pagePath('/sign-in/organisation-account/:organisationId'),
  // The redirect URI registered with each council's identity provider.
  organisationAccountCallback: pagePath('/sign-in/organisation-account/callback'),
  // After signing out of CareHub: a link to sign out at the organisation's provider too.
  signedOutOfOrganisationAccount: pagePath('/sign-out/organisation-account/:organisationId'),
  singleSignOnSettings: pagePath('/admin/single-sign-on/:id'),
}
