import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { createKeyReleases } from './idempotency-releases.ts'

// Idempotency keys of the returns API: a request with a key claims it before it is processed, so that two
// identical requests at once cannot both create a return, and its answer is kept for the client's
// retries (a created return's answer is written with the return itself: see createdWrites).

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; statusCode: number; response: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }

// A claimed key whose request never finished (the process stopped) may be taken over after this.
const abandonedAfterMs = 5 * 60_000
// Keys are remembered for a day; after that the same key starts afresh (and the pruning job deletes it:
// idempotency-pruning.ts).
export const keyLifetimeMs = 24 * 60 * 60_000
const pending = 0

export function createIdempotencyKeys(deps: {
  db: Db
  clock: Clock
  // The conditions under which the token with this id authenticates, as an SQL condition.
  tokenStands: (tokenId: string) => RawBuilder<unknown>
}) {
  const { db, clock, tokenStands } = deps

  // The time a request's claims are made at, which names them (see idempotency-releases.ts).
  const claimTime = () => clock.now()

  // The first attempt at a claim, as a statement for the caller to make with its own first read: a row
  // when the key is claimed. If not, claimIdempotencyKey finds out why.
  // The read's commit does not wait for the disk (synchronous_commit off for that transaction only): a
  // claim matters only once the request's own writes are committed, and their commit, which does wait,
  // makes everything logged before it durable too, the claim included. A claim lost in a crash before
  // then leaves nothing saved, so the client's retry is processed afresh.
  // It claims nothing unless the token still stands (as authenticate would find it): the request may
  // have skipped the token lookup (recentClient).
  // `claimedAt` names the claim (see idempotency-releases.ts): the same for every claim a request makes.
  function claimStatement(tokenId: string, key: string, requestHash: string, claimedAt: Date) {
    return sql`
      insert into idempotency_keys (token_id, key, request_hash, status_code, response, created_at)
      select ${tokenId}::uuid, ${key}, ${requestHash}, ${pending}, 'null', ${claimedAt}
      where set_config('synchronous_commit', 'off', true) is not null and ${tokenStands(tokenId)}
      on conflict (token_id, key) do nothing
      returning key`
  }

  // Claims (token, key) before the request is processed, so that two identical requests at once cannot
  // both create a return: the second finds the first's claim and is told to retry.
  async function claimIdempotencyKey(
    tokenId: string,
    key: string,
    requestHash: string,
    claimedAt: Date,
  ): Promise<IdempotencyClaim> {
    const now = claimedAt
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await db
        .insertInto('idempotencyKeys')
        .values({ tokenId, key, requestHash, statusCode: pending, response: 'null', createdAt: now })
        .onConflict((oc) => oc.columns(['tokenId', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst()
      if (inserted) return { kind: 'claimed' }
      const row = await db
        .selectFrom('idempotencyKeys')
        .select(['requestHash', 'statusCode', 'response', 'createdAt'])
        .where('tokenId', '=', tokenId)
        .where('key', '=', key)
        .executeTakeFirst()
      if (!row) continue // released meanwhile: try again
      const age = now.getTime() - new Date(row.createdAt).getTime()
      const expired = age >= keyLifetimeMs
      const abandoned = row.statusCode === pending && age >= abandonedAfterMs
      if (expired || abandoned) {
        const taken = await db
          .updateTable('idempotencyKeys')
          .set({ requestHash, statusCode: pending, response: 'null', createdAt: now })
          .where('tokenId', '=', tokenId)
          .where('key', '=', key)
          .where('createdAt', '=', row.createdAt)
          .returning('key')
          .executeTakeFirst()
        if (taken) return { kind: 'claimed' }
        continue
      }
      if (row.requestHash !== requestHash) return { kind: 'mismatch' }
      if (row.statusCode === pending) return { kind: 'in-progress' }
      return { kind: 'replay', statusCode: row.statusCode, response: row.response }
    }
    return { kind: 'in-progress' }
  }

  async function completeIdempotencyKey(tokenId: string, key: string, statusCode: number, response: unknown) {
    await db
      .updateTable('idempotencyKeys')
      .set({ statusCode, response: JSON.stringify(response) })
      .where('tokenId', '=', tokenId)
      .where('key', '=', key)
      .execute()
  }

  // After a failure, so that the client's retry is processed afresh: made later if the database is away.
  const keyReleases = createKeyReleases({
    clock,
    forgetAfterMs: abandonedAfterMs,
    release: async (tokenId, key, claimedAt) => {
      await db
        .deleteFrom('idempotencyKeys')
        .where('tokenId', '=', tokenId)
        .where('key', '=', key)
        .where('statusCode', '=', pending)
        .where('createdAt', 'in', claimedAt)
        .execute()
    },
  })

  return {
    claimTime,
    claimStatement,
    claimIdempotencyKey,
    completeIdempotencyKey,
    releaseIdempotencyKey: keyReleases.release,
    settleKeyRelease: keyReleases.settle,
    stopKeyReleases: keyReleases.stop,
  }
}
