import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { newToken, tokenHash } from '../access/index.ts'
import { recordAudit } from '../audit/index.ts'
import { apiAuditActions } from './api.audit-actions.ts'
import { tokenForm, tokenFormMessages } from './api-token.form.ts'

// API tokens for care-record systems, made and revoked by a provider's managers on the web. A token is
// shown once; only its SHA-256 is kept. It acts for the provider it was made for.

const tokenPrefix = 'chub_'

export function mayManageTokens(actor: Actor): actor is Actor & { providerId: string } {
  return actor.role === 'provider_manager' && actor.providerId !== null
}

export function createApiTokens(deps: { db: Db; clock: Clock; forgetToken: (tokenId: string) => void }) {
  const { db, clock, forgetToken } = deps

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
    const form = parseForm(tokenForm, { name: rawName }, tokenFormMessages)
    if (!form.ok) return form
    const { name } = form.value
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
        action: apiAuditActions.apiTokenCreated,
        entityType: 'api-token',
        entityId: row.id,
        after: { name, providerId: actor.providerId, tokenHint: token.slice(-4) },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, id, name, token }
  }

  // Null when the token is not one of this provider's (the route answers 404). Revoking twice is harmless.
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
