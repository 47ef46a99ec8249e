import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import {
  marketLocationById,
  marketLocations,
  openAlerts,
  openCases,
  returnsPage,
} from './api-market.repository.ts'
import { findLocation, getReturn, listReturns } from './api-returns.repository.ts'
import { createApiTokens } from './api-tokens.ts'
import { type ApiClient, createBearerTokens } from './bearer-tokens.ts'
import { createIdempotencyKeys } from './idempotency-keys.ts'

export { mayManageTokens, tokenHolder } from './api-tokens.ts'
export type { ApiClient } from './bearer-tokens.ts'

// The API's service: tokens (api-tokens.ts), bearer authentication (bearer-tokens.ts), idempotency
// keys (idempotency-keys.ts) and the read side of the returns API (api-returns.repository.ts).
export function createApiService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const bearer = createBearerTokens({ db, clock })
  const tokens = createApiTokens({ db, clock, forgetToken: bearer.forgetToken })
  const idempotencyKeys = createIdempotencyKeys({ db, clock, tokenStands: bearer.tokenStands })

  // A created return's answer saved with its key and, when due, the token's use recorded: statements
  // written with the return (each changes nothing unless `when` holds).
  function createdWrites(
    client: ApiClient,
    key: string | undefined,
    statusCode: number,
    response: unknown,
    when: RawBuilder<unknown>,
  ) {
    const writes: RawBuilder<unknown>[] = []
    if (key !== undefined)
      writes.push(sql`
        update idempotency_keys set status_code = ${statusCode}, response = ${JSON.stringify(response)}::jsonb
        where token_id = ${client.tokenId}::uuid and key = ${key} and ${when}`)
    if (client.lastUsedStale) {
      writes.push(bearer.tokenUseWrite(client, when))
      bearer.noteTokenUse(client)
    }
    return writes
  }

  return {
    ...tokens,
    authenticate: bearer.authenticate,
    recentClient: bearer.recentClient,
    recordTokenUse: bearer.recordTokenUse,
    ...idempotencyKeys,
    createdWrites,
    findLocation: (actor: Actor, reference: string) => findLocation(db, actor, reference),
    listReturns: (
      actor: Actor,
      filters: { locationId?: string; from?: string; to?: string },
      page: number,
      pageSize: number,
    ) => listReturns(db, actor, filters, page, pageSize),
    getReturn: (actor: Actor, returnId: string) => getReturn(db, actor, returnId),
    // The read API for councils and partners (api-market.repository.ts): the routes check the permission.
    market: {
      today: () => londonDate(clock.now()),
      locations: (actor: Actor) => marketLocations(db, actor),
      location: (actor: Actor, reference: string) => marketLocationById(db, actor, reference),
      returns: (
        actor: Actor,
        options: {
          from: string
          to: string
          after: Parameters<typeof returnsPage>[2]['after']
          limit: number
        },
      ) => returnsPage(db, actor, { ...options, now: clock.now() }),
      alerts: (actor: Actor) => openAlerts(db, actor),
      cases: (actor: Actor) => openCases(db, actor),
    },
  }
}

export type ApiService = ReturnType<typeof createApiService>
