import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { newToken, tokenHash } from '../access/index.ts'
import { recordAudit } from '../audit/index.ts'
import { apiAuditActions } from './api.audit-actions.ts'
import { tokenForm, tokenFormMessages } from './api-token.form.ts'

// API tokens, made and revoked on the web. A token is shown once; only its SHA-256 is kept. A provider
// manager's acts for the provider (its care-record system sends and reads returns); a council's or
// partner's officer's belongs to the organisation and carries the creator's role (a business-
// intelligence tool reads the market with it, as that role may on the pages).

const tokenPrefix = 'chub_'

export type TokenHolder =
  | { kind: 'provider'; providerId: string }
  | { kind: 'market'; organisationId: string; role: Actor['role'] }

// Whose tokens the actor manages: their provider's, their council's or partner's, or none.
export function tokenHolder(actor: Actor): TokenHolder | null {
  if (actor.role === 'provider_manager')
    return actor.providerId ? { kind: 'provider', providerId: actor.providerId } : null
  // A regional body sees every council: its reads are not a market's, and have no token.
  if (actor.organisationKind === 'region' || actor.organisationKind === 'provider') return null
  if (!can(actor, 'market-api:tokens') || actor.councilIds.length === 0) return null
  return { kind: 'market', organisationId: actor.organisationId, role: actor.role }
}

export function mayManageTokens(actor: Actor): boolean {
  return tokenHolder(actor) !== null
}

export function createApiTokens(deps: { db: Db; clock: Clock; forgetToken: (tokenId: string) => void }) {
  const { db, clock, forgetToken } = deps

  // The holder's tokens: an organisation's are listed to each of its officers who may make them.
  async function listTokens(actor: Actor) {
    const holder = tokenHolder(actor)
    if (!holder) return null
    return db
      .selectFrom('apiTokens')
      .leftJoin('users as creator', 'creator.id', 'apiTokens.createdBy')
      .leftJoin('users as revoker', 'revoker.id', 'apiTokens.revokedBy')
      .select([
        'apiTokens.id',
        'apiTokens.name',
        'apiTokens.tokenHint',
        'apiTokens.role',
        'apiTokens.createdAt',
        'apiTokens.lastUsedAt',
        'apiTokens.revokedAt',
        'creator.displayName as createdByName',
        'revoker.displayName as revokedByName',
      ])
      .where(
        holder.kind === 'provider' ? 'apiTokens.providerId' : 'apiTokens.organisationId',
        '=',
        holder.kind === 'provider' ? holder.providerId : holder.organisationId,
      )
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
    | { ok: true; id: string; name: string; token: string; holder: TokenHolder }
    | { ok: false; errors: Record<string, string> }
    | null
  > {
    const holder = tokenHolder(actor)
    if (!holder) return null
    const form = parseForm(tokenForm, { name: rawName }, tokenFormMessages)
    if (!form.ok) return form
    const { name } = form.value
    const token = `${tokenPrefix}${newToken()}`
    const now = clock.now()
    const holderColumns =
      holder.kind === 'provider'
        ? { providerId: holder.providerId, organisationId: null, role: null }
        : { providerId: null, organisationId: holder.organisationId, role: holder.role }
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('apiTokens')
        .values({
          tokenHash: tokenHash(token),
          tokenHint: token.slice(-4),
          name,
          ...holderColumns,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: apiAuditActions.apiTokenCreated,
        entityType: 'api-token',
        entityId: row.id,
        after:
          holder.kind === 'provider'
            ? { name, providerId: holder.providerId, tokenHint: token.slice(-4) }
            : { name, organisationId: holder.organisationId, role: holder.role, tokenHint: token.slice(-4) },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, id, name, token, holder }
  }

  // Null when the token is not one of the holder's (the route answers 404). Revoking twice is harmless.
  async function revokeToken(actor: Actor, tokenId: string): Promise<{ name: string } | null> {
    const holder = tokenHolder(actor)
    if (!holder || !isUuid(tokenId)) return null
    const now = clock.now()
    // (A revoked token is refused anyway by the claim a recent lookup relies on; forgetting it saves a try.)
    forgetToken(tokenId)
    return db.transaction().execute(async (trx) => {
      const token = await trx
        .selectFrom('apiTokens')
        .select(['id', 'name', 'revokedAt', 'tokenHint'])
        .where('id', '=', tokenId)
        .where(
          holder.kind === 'provider' ? 'providerId' : 'organisationId',
          '=',
          holder.kind === 'provider' ? holder.providerId : holder.organisationId,
        )
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
        action: apiAuditActions.apiTokenRevoked,
        entityType: 'api-token',
        entityId: token.id,
        before: { name: token.name, tokenHint: token.tokenHint, revokedAt: null },
        after: { name: token.name, tokenHint: token.tokenHint, revokedAt: now },
        occurredAt: now,
      })
      return { name: token.name }
    })
  }

  return { listTokens, createToken, revokeToken }
}
