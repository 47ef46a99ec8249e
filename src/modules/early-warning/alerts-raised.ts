import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

export type RaisedAlert = {
  alertId: string
  severity: string
  title: string
  locationName: string
  raisedAt: Date
}

// Alerts raised in a window at locations in a council's area or contracted by it, oldest first, for
// officers' digests.
export async function alertsRaisedForCouncil(
  db: DbOrTransaction,
  window: { councilId: string; after: Date; upTo: Date },
): Promise<RaisedAlert[]> {
  const result = await sql<RaisedAlert>`
    select a.id as "alertId", a.severity, a.title, l.name as "locationName", a.raised_at as "raisedAt"
    from alerts a join locations l on l.id = a.location_id
    where a.raised_at > ${window.after} and a.raised_at <= ${window.upTo}
      and (l.council_id = ${window.councilId} or exists (select 1 from council_contracts c
        where c.location_id = l.id and c.council_id = ${window.councilId}))
    order by a.raised_at, a.id
    limit 1000`.execute(db)
  return result.rows
}
