import { type RawBuilder, sql } from 'kysely'
import { compiledOnce } from '../../db/compiled-once.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Actor } from '../../domain/policy.ts'
import { isOrganisationKind, isRole } from '../../domain/roles.ts'
import { tokenHash } from '../access/index.ts'
import { tokenHolder } from './api-tokens.ts'

// Bearer authentication of the API: who a token acts as, a minute's memory of recent lookups, and the
// record of a token's use.

export type ApiClient = {
  tokenId: string
  actor: Actor
  // The token's last-used time is over a minute old: the request records it (recordTokenUse).
  lastUsedStale: boolean
  // A council's or partner's token (the read API): it reads the market and sends nothing.
  readsMarket: boolean
  // Known from a lookup in the last minute rather than read for this request (recentClient): only a
  // return sent with an Idempotency-Key is served so, as its claim checks the token again.
  recent?: true
}

const lastUsedEveryMs = 60_000

type TokenHolderRow = {
  id: string
  providerId: string | null
  createdBy: string
  lastUsedAt: Date | string | null
  role: string
  organisationId: string
  kind: string
}

export function createBearerTokens(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The token, its creator and the creator's organisation in one query (every API request makes it):
  // the same conditions as loadActor for a provider manager, whose organisation has no councils. Built
  // and compiled once: building it per request cost more CPU than PostgreSQL spends running it.
  const tokenLookup = compiledOnce(['hash'], (m) =>
    db
      .selectFrom('apiTokens')
      .innerJoin('users', 'users.id', 'apiTokens.createdBy')
      .innerJoin('organisations', 'organisations.id', 'users.organisationId')
      .select([
        'apiTokens.id',
        'apiTokens.providerId',
        'apiTokens.createdBy',
        'apiTokens.lastUsedAt',
        'users.role',
        'users.organisationId',
        'organisations.kind',
      ])
      .where('apiTokens.tokenHash', '=', m.hash)
      .where('apiTokens.revokedAt', 'is', null)
      .where('users.status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('organisations.kind', '=', 'provider'),
            eb('organisations.providerId', '=', eb.ref('apiTokens.providerId')),
          ]),
          eb.and([
            eb('apiTokens.organisationId', '=', eb.ref('users.organisationId')),
            eb('apiTokens.role', '=', eb.ref('users.role')),
          ]),
        ]),
      ),
  )

  // Tokens found valid in the last minute, by hash. A care-record system sends a group's returns in a
  // burst, each with an Idempotency-Key: those requests skip the token lookup, because the claim of
  // their key (made with the return's first read) checks the token again and claims nothing when it no
  // longer stands; the route then looks it up afresh (so a revoked token gets 401 at once). Every other
  // request looks its token up.
  const recentLookups = new Map<string, { client: ApiClient; until: number; lastUsedAt: number | null }>()
  // The same lookups' keys by token id, for noting a token's use and forgetting it without a scan.
  const recentHashes = new Map<string, string>()
  const recentForMs = 60_000
  const recentAtMost = 10_000

  function recentClient(token: string): ApiClient | null {
    if (!token || token.length > 200) return null
    const hash = tokenHash(token)
    const hit = recentLookups.get(hash)
    const now = clock.now().getTime()
    if (!hit || hit.until <= now) {
      if (hit) forgetToken(hit.client.tokenId)
      return null
    }
    const lastUsedStale = hit.lastUsedAt === null || now - hit.lastUsedAt >= lastUsedEveryMs
    return { ...hit.client, lastUsedStale, recent: true }
  }

  function rememberLookup(hash: string, client: ApiClient, lastUsedAt: number | null) {
    if (recentLookups.size >= recentAtMost) {
      recentLookups.clear()
      recentHashes.clear()
    }
    recentLookups.set(hash, { client, until: clock.now().getTime() + recentForMs, lastUsedAt })
    recentHashes.set(client.tokenId, hash)
  }

  const recentLookupOf = (tokenId: string) => {
    const hash = recentHashes.get(tokenId)
    return hash === undefined ? undefined : recentLookups.get(hash)
  }

  // The token's use is being recorded: requests served from the recent lookups need not record it again.
  function noteTokenUse(client: ApiClient) {
    const entry = recentLookupOf(client.tokenId)
    if (entry) entry.lastUsedAt = clock.now().getTime()
  }

  function forgetToken(tokenId: string) {
    const hash = recentHashes.get(tokenId)
    if (hash !== undefined) recentLookups.delete(hash)
    recentHashes.delete(tokenId)
  }

  // The token's creator: for a provider's token, acting as a provider manager of that provider; for a
  // council's or partner's, in the role the token was made with, over the councils the organisation
  // serves now. A token stops working when it is revoked, when its creator is disabled, or when its
  // creator no longer acts for that provider (or no longer holds that role in that organisation).
  async function authenticate(token: string): Promise<ApiClient | null> {
    if (!token || token.length > 200) return null
    const hash = tokenHash(token)
    const { rows } = await db.executeQuery<TokenHolderRow>(tokenLookup.with({ hash }))
    const row = rows[0]
    if (!row || !isRole(row.role) || !isOrganisationKind(row.kind)) return null
    const now = clock.now()
    const lastUsedAt = row.lastUsedAt ? new Date(row.lastUsedAt).getTime() : null
    const lastUsedStale = lastUsedAt === null || now.getTime() - lastUsedAt >= lastUsedEveryMs
    if (row.providerId === null) {
      // A market token: never remembered (only returns sent with a key are served from memory).
      // The councils it serves now, as loadActor finds them: a council itself, or a partner's links.
      const councilIds =
        row.kind === 'council'
          ? [row.organisationId]
          : (
              await db
                .selectFrom('partnerCouncils')
                .select('councilId')
                .where('partnerId', '=', row.organisationId)
                .orderBy('councilId')
                .execute()
            ).map((c) => c.councilId)
      const actor: Actor = {
        userId: row.createdBy,
        role: row.role,
        organisationId: row.organisationId,
        organisationKind: row.kind,
        councilIds,
        providerId: null,
      }
      // The role may no longer make tokens (or the organisation serve no council): the token stands no more.
      if (!tokenHolder(actor)) return null
      return { tokenId: row.id, lastUsedStale, actor, readsMarket: true }
    }
    const client: ApiClient = {
      tokenId: row.id,
      lastUsedStale,
      actor: {
        userId: row.createdBy,
        role: 'provider_manager',
        organisationId: row.organisationId,
        organisationKind: 'provider',
        councilIds: [],
        providerId: row.providerId,
      },
      readsMarket: false,
    }
    rememberLookup(hash, client, lastUsedAt)
    return client
  }

  // The conditions of authenticate for a provider's token (the only kind that sends returns and claims
  // Idempotency-Keys), for the token with this id, as an SQL condition.
  const tokenStands = (tokenId: string) => sql`exists (
    select 1 from api_tokens t
      join users u on u.id = t.created_by
      join organisations o on o.id = u.organisation_id
    where t.id = ${tokenId}::uuid and t.revoked_at is null and u.status = 'active'
      and o.kind = 'provider' and o.provider_id = t.provider_id)`

  // Records that the token was used (at most once a minute).
  async function recordTokenUse(client: ApiClient) {
    if (!client.lastUsedStale) return
    await tokenUseWrite(client, sql`true`).execute(db)
    client.lastUsedStale = false
    noteTokenUse(client)
  }

  // The statement that records the token's use, changing nothing unless `when` holds (it may be part of
  // the statement that saves a return).
  function tokenUseWrite(client: ApiClient, when: RawBuilder<unknown>) {
    const now = clock.now()
    return sql`
      update api_tokens set last_used_at = ${now}
      where id = ${client.tokenId}::uuid and ${when}
        and (last_used_at is null or last_used_at <= ${new Date(now.getTime() - lastUsedEveryMs)})`
  }

  return {
    recentClient,
    authenticate,
    recordTokenUse,
    tokenStands,
    tokenUseWrite,
    noteTokenUse,
    forgetToken,
  }
}
