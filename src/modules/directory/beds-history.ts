import { type RawBuilder, sql } from 'kysely'

// A location's registered beds as they stood on a date, from the dated history the directory keeps
// (`location_bed_history`, written by triggers whenever a location is added or its beds change): a
// subquery to select beside other columns, so a reader needs no extra round trip. Null when the
// history has no entry on or before the date (the location was not yet registered).
export const registeredBedsOn = (locationId: RawBuilder<unknown>, date: string) =>
  sql<number | null>`(select h.registered_beds from location_bed_history h
    where h.location_id = ${locationId} and h.effective_from <= ${date}::date
    order by h.effective_from desc, h.recorded_at desc limit 1)`
