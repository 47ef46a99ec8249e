import type { DbOrTransaction } from '../../db/database.ts'
import { sealSecret } from '../../domain/secret-box.ts'
import { twoStepKeyPurpose } from './two-step-codes.ts'

// A user's two-step sign-in as stored: their key (sealed) and their recovery codes (hashed).

export async function unusedRecoveryCodes(db: DbOrTransaction, userId: string): Promise<number> {
  const row = await db
    .selectFrom('twoStepRecoveryCodes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('userId', '=', userId)
    .where('usedAt', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

// Every old recovery code goes, used or not, and only the new ones' hashes are kept.
export async function putRecoveryCodes(trx: DbOrTransaction, userId: string, hashes: string[], now: Date) {
  await trx.deleteFrom('twoStepRecoveryCodes').where('userId', '=', userId).execute()
  await trx
    .insertInto('twoStepRecoveryCodes')
    .values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })))
    .execute()
}

// Removes the key and the recovery codes (turned off by them, or reset by an admin).
export async function removeTwoStep(trx: DbOrTransaction, userId: string, now: Date) {
  await trx
    .updateTable('users')
    .set({ twoStepKey: null, twoStepSetUpAt: null, twoStepLastStep: null, updatedAt: now })
    .where('id', '=', userId)
    .execute()
  await trx.deleteFrom('twoStepRecoveryCodes').where('userId', '=', userId).execute()
}

// Sets two-step sign-in up with a known key and no recovery codes: the demo county's users and tests.
export async function setUpTwoStepWithKey(
  db: DbOrTransaction,
  input: { userId: string; key: string; cookieSecret: string; now: Date },
) {
  await db
    .updateTable('users')
    .set({
      twoStepKey: sealSecret(input.cookieSecret, twoStepKeyPurpose, input.key),
      twoStepSetUpAt: input.now,
      twoStepLastStep: null,
    })
    .where('id', '=', input.userId)
    .execute()
}
