import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { keyLifetimeMs } from './idempotency-keys.ts'

// The scheduled job's run: deletes the Idempotency-Keys older than their lifetime, which a claim would
// treat as new anyway (a pending claim that old was abandoned long ago). Without it the table grows by
// every API return ever sent. Each batch is a statement of its own, so it holds its rows' locks for
// milliseconds, and a run stops after `batches` of them, so a backlog (the first run after an upgrade)
// is worked off over several runs rather than in one long burst during a morning's returns. Rows a
// claim is taking over at that moment are skipped (`skip locked`), and the claim's own check of
// `created_at` decides between them.
export async function pruneIdempotencyKeys(
  db: DbOrTransaction,
  clock: Clock,
  options: { batchSize?: number; batches?: number } = {},
): Promise<{ deleted: number }> {
  const batchSize = options.batchSize ?? 1_000
  const expiredBy = new Date(clock.now().getTime() - keyLifetimeMs)
  let deleted = 0
  for (let batch = 0; batch < (options.batches ?? 20); batch++) {
    const { numAffectedRows } = await sql`
      delete from idempotency_keys where (token_id, key) in (
        select token_id, key from idempotency_keys where created_at <= ${expiredBy}
        limit ${batchSize} for update skip locked)`.execute(db)
    const count = Number(numAffectedRows ?? 0)
    deleted += count
    if (count < batchSize) break
  }
  return { deleted }
}
