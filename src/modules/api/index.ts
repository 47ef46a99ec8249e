import { defineCapability } from '../../capability.ts'
import type { NilReturnService, ReturnsService } from '../returns/index.ts'
import { apiPaths } from './api.paths.ts'
import { apiRouteAccess } from './api.route-access.ts'
import { apiRoutes } from './api.routes.ts'
import { createApiService } from './api.service.ts'
import { pruneIdempotencyKeys } from './idempotency-pruning.ts'
import type { MarketCompleteness } from './api-market.routes.ts'
import { mayManageTokens } from './api-tokens.ts'

export { apiAuditActions } from './api.audit-actions.ts'
export { exampleNilSubmission, exampleSubmission } from './api.examples.ts'
export { apiPaths } from './api.paths.ts'
export type { ApiService } from './api.service.ts'
export type { ApiTokenTable, IdempotencyKeyTable } from './api.tables.ts'

// The JSON API: care-record systems' returns in and out, councils' and partners' reads of their market,
// the tokens of both, and its documentation.
export const api = defineCapability<{
  returns: ReturnsService
  nilReturns: NilReturnService
  completeness: MarketCompleteness
}>()({
  name: 'api',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: apiRouteAccess,
  services: ({ db, clock }) => ({ api: createApiService({ db, clock }) }),
  routes: async (app, { api, returns, nilReturns, completeness, config }) => {
    await app.register(apiRoutes, {
      api,
      returns,
      nilReturns,
      completeness,
      baseUrl: config.baseUrl,
      readRateLimit: config.apiReadRateLimit,
    })
  },
  jobs: ({ clock }) => [
    {
      // Idempotency-Keys past their day, in bounded batches (idempotency-pruning.ts).
      name: 'idempotency-keys-pruning',
      lockKey: 7_060,
      intervalSeconds: 300,
      run: (db) => pruneIdempotencyKeys(db, clock),
    },
  ],
  paths: apiPaths,
  navigation: (actor) =>
    mayManageTokens(actor) ? [{ href: apiPaths.apiTokens.build(), text: 'API tokens', order: 50 }] : [],
})
