import { defineCapability } from '../../capability.ts'
import { paths } from '../../web/paths.ts'
import type { ReturnsService } from '../returns/index.ts'
import { apiRoutes } from './api.routes.ts'
import { createApiService } from './api.service.ts'

// The JSON API for care-record systems: tokens, returns in and out, its documentation.
export const api = defineCapability<{ returns: ReturnsService }>()({
  name: 'api',
  services: ({ db, clock }) => ({ api: createApiService({ db, clock }) }),
  routes: async (app, { api, returns, config }) => {
    await app.register(apiRoutes, { api, returns, baseUrl: config.baseUrl })
  },
  navigation: (actor) =>
    actor.role === 'provider_manager' && actor.providerId
      ? [{ href: paths.apiTokens(), text: 'API tokens', order: 50 }]
      : [],
})
