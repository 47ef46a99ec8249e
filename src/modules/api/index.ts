import { defineCapability } from '../../capability.ts'
import type { ReturnsService } from '../returns/index.ts'
import { apiPaths } from './api.paths.ts'
import { apiRoutes } from './api.routes.ts'
import { createApiService } from './api.service.ts'

export { apiAuditActions } from './api.audit-actions.ts'
export { exampleSubmission } from './api.examples.ts'
export { apiPaths } from './api.paths.ts'
export type { ApiService } from './api.service.ts'
export type { ApiTokenTable, IdempotencyKeyTable } from './api.tables.ts'

// The JSON API for care-record systems: tokens, returns in and out, its documentation.
export const api = defineCapability<{ returns: ReturnsService }>()({
  name: 'api',
  services: ({ db, clock }) => ({ api: createApiService({ db, clock }) }),
  routes: async (app, { api, returns, config }) => {
    await app.register(apiRoutes, { api, returns, baseUrl: config.baseUrl })
  },
  paths: apiPaths,
  navigation: (actor) =>
    actor.role === 'provider_manager' && actor.providerId
      ? [{ href: apiPaths.apiTokens.build(), text: 'API tokens', order: 50 }]
      : [],
})
