import { pagePath } from '../../web/page-path.ts'

// The API's pages and endpoints: the token pages, the documentation and the JSON API under /api/v1.
export const apiPaths = {
  apiTokens: pagePath('/api-tokens'),
  revokeApiToken: pagePath('/api-tokens/:id/revoke'),
  apiDocs: pagePath('/api/docs'),
  apiOpenApi: pagePath('/api/docs/openapi.json'),
  apiReturns: pagePath('/api/v1/returns'),
  apiReturn: pagePath('/api/v1/returns/:id'),
  // The read API for councils and partners.
  marketLocations: pagePath('/api/v1/market/locations'),
  marketLocation: pagePath('/api/v1/market/locations/:id'),
  marketReturns: pagePath('/api/v1/market/returns'),
  marketAlerts: pagePath('/api/v1/market/alerts'),
  marketCases: pagePath('/api/v1/market/cases'),
  marketCompleteness: pagePath('/api/v1/market/completeness'),
}

// Everything under it answers as the JSON API does: bearer tokens, problem JSON, the OpenAPI document.
export const apiV1Prefix = '/api/v1'

// A route's URL within the /api/v1 plugin, which Fastify prefixes (so its not-found answer and its hooks
// cover every URL under the prefix, known or not).
export function withinApiV1(pattern: string): string {
  if (!pattern.startsWith(`${apiV1Prefix}/`)) throw new Error(`${pattern} is not under ${apiV1Prefix}`)
  return pattern.slice(apiV1Prefix.length)
}
