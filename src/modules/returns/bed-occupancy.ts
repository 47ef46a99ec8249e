import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

// The beds care homes reported, week by week: for each location and each week (Monday to Sunday) with a
// return between the days given, its latest current return's usable and occupied beds (the "Beds and
// admissions" fields). Weeks without a return, or whose latest return left either figure out, are not
// listed: nothing is known of them. Payments reads void beds from it.
export type WeekOccupancy = {
  locationId: string
  weekStarting: string
  returnPeriod: string
  bedsAvailable: number
  bedsOccupied: number
}

export async function weeklyBedOccupancy(
  db: DbOrTransaction,
  locationIds: readonly string[],
  range: { from: string; to: string },
): Promise<WeekOccupancy[]> {
  if (!locationIds.length) return []
  const { rows } = await sql<{
    locationId: string
    weekStarting: string
    returnPeriod: string
    bedsAvailable: number
    bedsOccupied: number
  }>`
    select location_id as "locationId", week_starting as "weekStarting", return_period as "returnPeriod",
      beds_available as "bedsAvailable", beds_occupied as "bedsOccupied"
    from (
      select distinct on (r.location_id, date_trunc('week', r.period_start))
        r.location_id, date_trunc('week', r.period_start)::date::text as week_starting,
        r.period_start::text as return_period,
        case when jsonb_typeof(r.values->'bedsAvailable') = 'number'
          then (r.values->>'bedsAvailable')::numeric::int end as beds_available,
        case when jsonb_typeof(r.values->'bedsOccupied') = 'number'
          then (r.values->>'bedsOccupied')::numeric::int end as beds_occupied
      from situation_returns r
      where r.is_current
        and r.location_id = any(${sql.val([...locationIds])}::uuid[])
        and r.period_start >= date_trunc('week', ${range.from}::date)::date
        and r.period_start <= ${range.to}::date
      order by r.location_id, date_trunc('week', r.period_start), r.period_start desc
    ) latest
    where beds_available is not null and beds_occupied is not null`.execute(db)
  return rows
}
