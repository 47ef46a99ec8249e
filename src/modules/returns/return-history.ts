import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { currentDataset, needsHistory, type ParseResult, parseReturn } from './domain/dataset.ts'

// The figures of a return checked against the dataset, with the location's earlier returns read only
// when a rule that needs them would otherwise refuse (a COVID-19 death after a case days before).
export async function parseReturnAt(
  db: DbOrTransaction,
  location: { id: string; serviceType: string },
  periodStart: string,
  raw: Record<string, unknown>,
  options: { partial?: boolean } = {},
): Promise<ParseResult> {
  const serviceType = location.serviceType as ServiceType
  const first = parseReturn(currentDataset, serviceType, raw, options)
  if (!needsHistory(first, undefined)) return first
  const residentCasesInLast28Days = await residentCasesBefore(db, location.id, periodStart, 28)
  return parseReturn(currentDataset, serviceType, raw, { ...options, history: { residentCasesInLast28Days } })
}

// Confirmed and suspected cases among the people supported, in the location's current returns for
// the `days` days before a period.
export async function residentCasesBefore(
  db: DbOrTransaction,
  locationId: string,
  periodStart: string,
  days: number,
): Promise<number> {
  const row = await db
    .selectFrom('situationReturns')
    .select(
      sql<string>`coalesce(sum(coalesce((values->>'confirmedCasesResidents')::int, 0)
        + coalesce((values->>'suspectedCasesResidents')::int, 0)), 0)`.as('cases'),
    )
    .where('locationId', '=', locationId)
    .where('isCurrent', '=', true)
    .where('periodStart', '<', periodStart)
    .where('periodStart', '>=', sql<string>`${periodStart}::date - ${days}::int`)
    .executeTakeFirstOrThrow()
  return Number(row.cases)
}
