import { sql } from 'kysely'
import type { ReturnSaveHook } from '../returns/index.ts'
import { queueRiskStatement } from './risk-queue.ts'
import { recomputeRisk } from './risk-recompute.ts'

// Early warning's part in every return's save, the same for every channel (ADR 7): the statement that
// saves a version queues its location for the risk rules. A channel whose next page shows the result (every
// channel but the API) then runs its locations' queued rules before it answers; the risk-queue job runs
// the rest within a second. A queued row the job has taken meanwhile is its to finish (the delete waits
// for it), so the rules run once.
export const riskOnReturnSave: ReturnSaveHook = {
  withVersion: (version, saved, now) => [
    queueRiskStatement(sql`select ${version.locationId}::uuid where ${saved}`, now),
  ],
  followUp: async (trx, locationIds, now) => {
    const { rows } = await sql<{ locationId: string }>`
      delete from risk_queue where location_id = any(${locationIds}::uuid[])
      returning location_id as "locationId"`.execute(trx)
    if (rows.length) await recomputeRisk(trx, now, [...new Set(rows.map((r) => r.locationId))])
  },
}
