import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { isRole } from '../../domain/roles.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { newToken, tokenHash } from '../access/credentials.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { currentDataset, datasetVersion, type ReturnValues } from '../returns/index.ts'
import { createIdempotencyKeys } from './idempotency-keys.ts'

// API tokens for care-record systems, bearer authentication, idempotency keys and the read side of the
// returns API. A token is shown once; only its SHA-256 is kept. It acts for the provider it was made for.

export type ApiClient = {
  tokenId: string
  actor: Actor
  // The token's last-used time is over a minute old: the request records it (recordTokenUse).
  lastUsedStale: boolean
  // Known from a lookup in the last minute rather than read for this request (recentClient): only a
  // return sent with an Idempotency-Key is served so, as its claim checks the token again.
  recent?: true
}

const tokenPrefix = 'chub_'
const lastUsedEveryMs = 60_000

export function mayManageTokens(actor: Actor): actor is Actor & { providerId: string } {
  return actor.role === 'provider_manager' && actor.providerId !== null
}

export function createApiService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // ---- Tokens (provider managers, on the web)

  async function listTokens(actor: Actor) {
    if (!mayManageTokens(actor)) return null
    return db
      .selectFrom('apiTokens')
      .leftJoin('users as creator', 'creator.id', 'apiTokens.createdBy')
      .leftJoin('users as revoker', 'revoker.id', 'apiTokens.revokedBy')
      .select([
        'apiTokens.id',
        'apiTokens.name',
        'apiTokens.tokenHint',
        'apiTokens.createdAt',
        'apiTokens.lastUsedAt',
        'apiTokens.revokedAt',
        'creator.displayName as createdByName',
        'revoker.displayName as revokedByName',
      ])
      .where('apiTokens.providerId', '=', actor.providerId)
      .orderBy('apiTokens.revokedAt', (ob) => ob.desc().nullsFirst())
      .orderBy('apiTokens.createdAt', 'desc')
      .orderBy('apiTokens.id')
      .execute()
  }

  // Returns the token itself once; it is never stored or shown again.
  async function createToken(
    actor: Actor,
    rawName: string,
  ): Promise<
    | { ok: true; id: string; name: string; token: string }
    | { ok: false; errors: Record<string, string> }
    | null
  > {
    if (!mayManageTokens(actor)) return null
    const name = rawName.trim()
    if (!name) return { ok: false, errors: { name: 'Enter a name for the token' } }
    const nameTooLong = tooLong('Name', name, textLimits.tokenName)
    if (nameTooLong) return { ok: false, errors: { name: nameTooLong } }
    const token = `${tokenPrefix}${newToken()}`
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('apiTokens')
        .values({
          tokenHash: tokenHash(token),
          tokenHint: token.slice(-4),
          name,
          providerId: actor.providerId,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.apiTokenCreated,
        entityType: 'api-token',
        entityId: row.id,
        after: { name, providerId: actor.providerId, tokenHint: token.slice(-4) },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, id, name, token }
  }

  // False when the token is not one of this provider's (the route answers 404). Revoking twice is harmless.
  async function revokeToken(actor: Actor, tokenId: string): Promise<{ name: string } | null> {
    if (!mayManageTokens(actor) || !isUuid(tokenId)) return null
    const now = clock.now()
    // (A revoked token is refused anyway by the claim a recent lookup relies on; forgetting it saves a try.)
    forgetToken(tokenId)
    return db.transaction().execute(async (trx) => {
      const token = await trx
        .selectFrom('apiTokens')
        .select(['id', 'name', 'revokedAt', 'tokenHint'])
        .where('id', '=', tokenId)
        .where('providerId', '=', actor.providerId)
        .forUpdate()
        .executeTakeFirst()
      if (!token) return null
      if (token.revokedAt) return { name: token.name }
      await trx
        .updateTable('apiTokens')
        .set({ revokedAt: now, revokedBy: actor.userId })
        .where('id', '=', token.id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.apiTokenRevoked,
        entityType: 'api-token',
        entityId: token.id,
        before: { name: token.name, tokenHint: token.tokenHint, revokedAt: null },
        after: { name: token.name, tokenHint: token.tokenHint, revokedAt: now },
        occurredAt: now,
      })
      return { name: token.name }
    })
  }

  // ---- Bearer authentication

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

  // The token's creator, acting as a provider manager of the token's provider. A token stops working
  // when it is revoked, when its creator is disabled, or when its creator no longer acts for that provider.
  async function authenticate(token: string): Promise<ApiClient | null> {
    if (!token || token.length > 200) return null
    // The token, its creator and the creator's organisation in one query (every API request makes it):
    // the same conditions as loadActor for a provider manager, whose organisation has no councils.
    const row = await db
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
      ])
      .where('apiTokens.tokenHash', '=', tokenHash(token))
      .where('apiTokens.revokedAt', 'is', null)
      .where('users.status', '=', 'active')
      .where('organisations.kind', '=', 'provider')
      .whereRef('organisations.providerId', '=', 'apiTokens.providerId')
      .executeTakeFirst()
    if (!row || !isRole(row.role)) return null
    const now = clock.now()
    const lastUsedAt = row.lastUsedAt ? new Date(row.lastUsedAt).getTime() : null
    const client: ApiClient = {
      tokenId: row.id,
      lastUsedStale: lastUsedAt === null || now.getTime() - lastUsedAt >= lastUsedEveryMs,
      actor: {
        userId: row.createdBy,
        role: 'provider_manager',
        organisationId: row.organisationId,
        organisationKind: 'provider',
        councilIds: [],
        providerId: row.providerId,
      },
    }
    rememberLookup(tokenHash(token), client, lastUsedAt)
    return client
  }

  // The conditions of authenticate, for the token with this id, as an SQL condition.
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

  // ---- Idempotency keys (claims in idempotency-keys.ts)

  const idempotencyKeys = createIdempotencyKeys({ db, clock, tokenStands })

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
      writes.push(tokenUseWrite(client, when))
      noteTokenUse(client)
    }
    return writes
  }

  // ---- Locations and returns, as the API reads them

  // A location by CareHub id or by CQC location ID, if the actor may see it.
  async function findLocation(actor: Actor, reference: string) {
    const ref = reference.trim()
    if (!ref || ref.length > 100) return null
    return (
      (await db
        .selectFrom('locations')
        .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
        .select([
          'locations.id',
          'locations.cqcLocationId',
          'locations.serviceType',
          'locations.name',
          'returnTemplates.frequency',
        ])
        .where(isUuid(ref) ? 'locations.id' : 'locations.cqcLocationId', '=', ref)
        .where(locationVisible(locationScope(actor)))
        .executeTakeFirst()) ?? null
    )
  }

  const returnColumns = [
    'situationReturns.id',
    'situationReturns.locationId',
    'locations.cqcLocationId',
    'locations.name as locationName',
    'situationReturns.frequency',
    'situationReturns.periodStart',
    'situationReturns.version',
    'situationReturns.isCurrent',
    'situationReturns.source',
    'situationReturns.timing',
    'situationReturns.nothingChanged',
    'situationReturns.submittedAt',
    'situationReturns.amendmentReason',
    'situationReturns.datasetVersion',
    'situationReturns.values',
  ] as const

  async function listReturns(
    actor: Actor,
    filters: { locationId?: string; from?: string; to?: string },
    page: number,
    pageSize: number,
  ) {
    let query = db
      .selectFrom('situationReturns')
      .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
      .where(locationVisible(locationScope(actor)))
      .where('situationReturns.isCurrent', '=', true)
    if (filters.locationId) query = query.where('situationReturns.locationId', '=', filters.locationId)
    if (filters.from) query = query.where('situationReturns.periodStart', '>=', filters.from)
    if (filters.to) query = query.where('situationReturns.periodStart', '<=', filters.to)
    const { total } = await query
      .select((eb) => eb.fn.countAll<string | number>().as('total'))
      .executeTakeFirstOrThrow()
    const rows = await query
      .select(returnColumns)
      .orderBy('situationReturns.periodStart', 'desc')
      .orderBy('locations.name')
      .orderBy('situationReturns.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute()
    return { total: Number(total), items: rows.map(returnResource) }
  }

  async function getReturn(actor: Actor, returnId: string) {
    if (!isUuid(returnId)) return null
    const row = await db
      .selectFrom('situationReturns')
      .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
      .select(returnColumns)
      .where('situationReturns.id', '=', returnId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()
    return row ? returnResource(row) : null
  }

  return {
    listTokens,
    createToken,
    revokeToken,
    authenticate,
    recentClient,
    recordTokenUse,
    ...idempotencyKeys,
    createdWrites,
    findLocation,
    listReturns,
    getReturn,
  }
}

export type ApiService = ReturnType<typeof createApiService>

type ReturnRow = {
  id: string
  locationId: string
  cqcLocationId: string | null
  locationName: string
  frequency: string
  periodStart: string
  version: number
  isCurrent: boolean
  source: string
  timing: string
  nothingChanged: boolean
  submittedAt: Date | string
  amendmentReason: string | null
  datasetVersion: number
  values: ReturnValues
}

// A return as the API shows it: values in the same shape the API accepts (choices as arrays).
function returnResource(row: ReturnRow) {
  const definition = datasetVersion(row.datasetVersion) ?? currentDataset
  const choiceFields = new Set(
    definition.sections.flatMap((s) => s.fields).flatMap((f) => (f.type === 'choice' ? [f.key] : [])),
  )
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row.values ?? {})) {
    values[key] = choiceFields.has(key) ? (typeof value === 'string' && value ? value.split(',') : []) : value
  }
  return {
    id: row.id,
    locationId: row.locationId,
    cqcLocationId: row.cqcLocationId,
    locationName: row.locationName,
    frequency: row.frequency,
    periodStart: row.periodStart,
    version: row.version,
    isCurrent: row.isCurrent,
    source: row.source,
    timing: row.timing,
    nothingChanged: row.nothingChanged,
    submittedAt: new Date(row.submittedAt).toISOString(),
    amendmentReason: row.amendmentReason,
    datasetVersion: row.datasetVersion,
    values,
  }
}

export type ReturnResource = ReturnType<typeof returnResource>
