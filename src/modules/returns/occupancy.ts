import { type RawBuilder, sql } from 'kysely'

// A location's occupied beds on or just before a date: the beds occupied in its latest current return
// (a provider's or the capacity tracker's) whose period starts between `from` and `to`. A subquery to
// select beside other columns, so a reader needs no extra round trip. Null when no return in that
// window says how many beds were occupied.
export const occupiedBedsOn = (locationId: RawBuilder<unknown>, from: string, to: string) =>
  sql<number | null>`(select (r.values ->> 'bedsOccupied')::numeric::integer from situation_returns r
    where r.location_id = ${locationId} and r.is_current
      and r.period_start between ${from}::date and ${to}::date
      and jsonb_typeof(r.values -> 'bedsOccupied') = 'number'
    order by r.period_start desc, r.version desc limit 1)`
