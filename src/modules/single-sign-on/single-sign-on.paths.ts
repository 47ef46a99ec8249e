import { pagePath } from '../../web/page-path.ts'

// Single sign-on's pages: each pattern is its route's, and every link is built from it.
export const singleSignOnPaths = {
  organisationAccountSignIn: pagePath('/sign-in/organisation-account'),
  startOrganisationAccountSignIn: pagePath('/sign-in/organisation-account/:organisationId'),
  // The redirect URI registered with each council's identity provider.
  organisationAccountCallback: pagePath('/sign-in/organisation-account/callback'),
  singleSignOnSettings: pagePath('/admin/organisations/:id/single-sign-on'),
}
