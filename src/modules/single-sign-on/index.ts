import { defineCapability } from '../../capability.ts'
import type { SignInService } from '../access/index.ts'
import { maySignInWithOrganisationAccount } from './domain/group-roles.rules.ts'
import { createOrganisationSignInService } from './organisation-sign-in.service.ts'
import { singleSignOnPaths } from './single-sign-on.paths.ts'
import { passwordSignInOff, signedOutPageOf } from './single-sign-on.repository.ts'
import { singleSignOnRouteAccess } from './single-sign-on.route-access.ts'
import { singleSignOnRoutes } from './single-sign-on.routes.ts'
import { createSingleSignOnSettingsService } from './single-sign-on.service.ts'

export type { OrganisationSignInService } from './organisation-sign-in.service.ts'
export { singleSignOnAuditActions } from './single-sign-on.audit-actions.ts'
export { singleSignOnPaths } from './single-sign-on.paths.ts'
export type { SingleSignOnSettingsService } from './single-sign-on.service.ts'
export type { SingleSignOnTables } from './single-sign-on.tables.ts'

// Council single sign-on: staff of a council or partner sign in with their organisation's own
// accounts (OpenID Connect), their directory groups giving their CareHub role.
export const singleSignOn = defineCapability<{ signIn: SignInService }>()({
  name: 'single-sign-on',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: singleSignOnRouteAccess,
  services: ({ db, clock, config, cookieSecret }) => ({
    singleSignOnSettings: createSingleSignOnSettingsService({
      db,
      clock,
      cookieSecret,
      fromEnvironment: config.singleSignOn,
      allowLoopbackHttp: config.env !== 'production',
    }),
    organisationSignIn: createOrganisationSignInService({ db, clock, cookieSecret, baseUrl: config.baseUrl }),
  }),
  routes: async (app, { organisationSignIn, singleSignOnSettings, signIn, config }) => {
    // SSO_* settings are written to their organisation's row at start-up (after the migrations).
    const fromEnvironment = await singleSignOnSettings.applyEnvironmentSettings()
    if (fromEnvironment === 'organisation-not-found')
      app.log.warn(
        'SSO_ORGANISATION_ID or SSO_ORGANISATION_ONS_CODE names no council or partner organisation',
      )
    await app.register(singleSignOnRoutes, {
      organisationSignIn,
      singleSignOnSettings,
      signIn,
      baseUrl: config.baseUrl,
      cookieSecure: config.cookieSecure,
      signInRateLimit: config.signInRateLimit,
    })
  },
  paths: singleSignOnPaths,
  contributes: {
    passwordSignInOff,
    signedOutRedirect: signedOutPageOf,
  },
  navigation: (actor) =>
    actor.role === 'admin' && maySignInWithOrganisationAccount(actor.organisationKind)
      ? [
          {
            href: singleSignOnPaths.singleSignOnSettings.build(actor.organisationId),
            text: 'Single sign-on',
            order: 115,
          },
        ]
      : [],
})
