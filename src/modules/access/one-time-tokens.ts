import type { DbOrTransaction } from '../../db/database.ts'
import { newToken, tokenHash } from './credentials.ts'

export type TokenPurpose = 'invitation' | 'password_reset'

export const tokenLifetimeHours: Record<TokenPurpose, number> = { invitation: 7 * 24, password_reset: 2 }

export async function issueToken(
  db: DbOrTransaction,
  userId: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<string> {
  // A new link cancels the earlier ones for the same purpose.
  await db
    .updateTable('oneTimeTokens')
    .set({ usedAt: now })
    .where('userId', '=', userId)
    .where('purpose', '=', purpose)
    .where('usedAt', 'is', null)
    .execute()
  const token = newToken()
  await db
    .insertInto('oneTimeTokens')
    .values({
      tokenHash: tokenHash(token),
      userId,
      purpose,
      createdAt: now,
      expiresAt: new Date(now.getTime() + tokenLifetimeHours[purpose] * 3_600_000),
    })
    .execute()
  return token
}

// Returns the user the token belongs to while it is unused and unexpired; does not consume it.
export async function findLiveToken(db: DbOrTransaction, token: string, purpose: TokenPurpose, now: Date) {
  return db
    .selectFrom('oneTimeTokens')
    .innerJoin('users', 'users.id', 'oneTimeTokens.userId')
    .select([
      'oneTimeTokens.tokenHash',
      'users.id as userId',
      'users.email',
      'users.organisationId',
      'users.status',
    ])
    .where('oneTimeTokens.tokenHash', '=', tokenHash(token))
    .where('oneTimeTokens.purpose', '=', purpose)
    .where('oneTimeTokens.usedAt', 'is', null)
    .where('oneTimeTokens.expiresAt', '>', now)
    .executeTakeFirst()
}

export async function consumeToken(db: DbOrTransaction, hash: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('oneTimeTokens')
    .set({ usedAt: now })
    .where('tokenHash', '=', hash)
    .where('usedAt', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
