import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import { adminRoutes } from './admin.routes.ts'
import { createOrganisationService } from './organisations.service.ts'
import { signInRoutes } from './sign-in.routes.ts'
import { createSignInService } from './sign-in.service.ts'
import { createUserService } from './users.service.ts'

export { loadActor } from './actor.repository.ts'
export type { SignInService } from './sign-in.service.ts'
export type { UserService } from './users.service.ts'

// Accounts, organisations, roles and signing in.
export const access = defineCapability()({
  name: 'access',
  services: ({ db, clock, config }) => ({
    signIn: createSignInService({ db, clock }),
    users: createUserService({ db, clock, baseUrl: config.baseUrl }),
    organisations: createOrganisationService({ db, clock }),
  }),
  routes: async (app, { signIn, users, organisations, config }) => {
    await app.register(signInRoutes, { signIn, users, signInRateLimit: config.signInRateLimit })
    await app.register(adminRoutes, { users, organisations })
  },
  navigation: (actor) => [
    ...(can(actor, 'users:manage') ? [{ href: paths.admin.users(), text: 'Users', order: 100 }] : []),
    ...(can(actor, 'organisations:manage')
      ? [{ href: paths.admin.organisations(), text: 'Organisations', order: 110 }]
      : []),
  ],
})
