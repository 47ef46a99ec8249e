import type { DbOrTransaction } from '../../db/database.ts'
import { afterFailedSignIn } from './domain/sign-in.rules.ts'

// A wrong password or two-step code counts toward the lockout (domain/sign-in.rules.ts): the user's
// count and lock are stored, and what they came to is returned for the caller's audit record.
export async function countFailedAttempt(
  trx: DbOrTransaction,
  user: Parameters<typeof afterFailedSignIn>[0] & { id: string },
  now: Date,
) {
  const outcome = afterFailedSignIn(user, now)
  await trx
    .updateTable('users')
    .set({ failedSignInCount: outcome.failedSignInCount, lockedUntil: outcome.lockedUntil })
    .where('id', '=', user.id)
    .execute()
  return outcome
}
