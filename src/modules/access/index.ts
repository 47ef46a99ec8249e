import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { accessPaths } from './access.paths.ts'
import { accessRouteAccess } from './access.route-access.ts'
import { adminRoutes } from './admin.routes.ts'
import { createOrganisationService } from './organisations.service.ts'
import { signInRoutes } from './sign-in.routes.ts'
import { createSignInService } from './sign-in.service.ts'
import { twoStepRoutes } from './two-step.routes.ts'
import { createTwoStepService } from './two-step.service.ts'
import { createUserService } from './users.service.ts'

export { accessAuditActions } from './access.audit-actions.ts'
export { accessPaths } from './access.paths.ts'
export type {
  OneTimeTokenTable,
  OrganisationTable,
  PartnerCouncilTable,
  SessionTable,
  TwoStepRecoveryCodeTable,
  UserTable,
} from './access.tables.ts'
export { loadActor } from './actor.repository.ts'
export { hashPassword, newToken, tokenHash } from './credentials.ts'
export { twoStepRequired } from './domain/two-step.rules.ts'
export type { OrganisationService } from './organisations.service.ts'
export { createSession, type SignInService } from './sign-in.service.ts'
export type { PasswordSignInOffCheck, SignedOutRedirect } from './sign-in-hooks.ts'
export type { TwoStepService } from './two-step.service.ts'
export { appCodeAt } from './two-step-codes.ts'
export { setUpTwoStepWithKey } from './two-step-records.ts'
export { disableAccount } from './user-changes.ts'
export type { CouncilCreatedHook } from './user-reads.ts'
export type { CommandUserInput, UserService } from './users.service.ts'

// Accounts, organisations, roles and signing in.
export const access = defineCapability()({
  name: 'access',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: accessRouteAccess,
  services: ({ db, clock, config, contributions, cookieSecret }) => ({
    signIn: createSignInService({ db, clock, hooks: contributions }),
    twoStep: createTwoStepService({ db, clock, cookieSecret }),
    users: createUserService({
      db,
      clock,
      baseUrl: config.baseUrl,
      councilCreated: contributions.councilCreated,
      passwordSignInOff: contributions.passwordSignInOff,
    }),
    organisations: createOrganisationService({ db, clock, councilCreated: contributions.councilCreated }),
  }),
  routes: async (app, { signIn, twoStep, users, organisations, config }) => {
    await app.register(signInRoutes, { signIn, users, signInRateLimit: config.signInRateLimit })
    await app.register(twoStepRoutes, {
      twoStep,
      signInRateLimit: config.signInRateLimit,
      cookieSecure: config.cookieSecure,
    })
    await app.register(adminRoutes, { users, organisations })
  },
  paths: accessPaths,
  navigation: (actor) => [
    ...(can(actor, 'users:manage')
      ? [{ href: accessPaths.admin.users.build(), text: 'Users', order: 100 }]
      : []),
    ...(can(actor, 'organisations:manage')
      ? [{ href: accessPaths.admin.organisations.build(), text: 'Organisations', order: 110 }]
      : []),
  ],
})
