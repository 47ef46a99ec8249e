import { type ExpressionBuilder, type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import type { AppliedException } from './domain/exceptions.ts'
import type { Frequency, Period } from './domain/periods.ts'

// Agreed exceptions: which one applies to a location's period (read with every return, so in the same
// statement), and their list and history. Their writes are in return-exceptions.service.ts.

// Each frequency's period start that a statement is about (the location's frequency picks one).
export type PeriodStarts = Record<Frequency, string>
export const periodStartsOf = (periods: Record<Frequency, Period>): PeriodStarts => ({
  daily: periods.daily.start,
  weekly: periods.weekly.start,
  monthly: periods.monthly.start,
})

// SQL: the day after the last of the period starting on `start`, at the location's frequency.
const periodEndAfter = (start: RawBuilder<unknown>) =>
  sql`(${start} + case return_templates.frequency when 'daily' then interval '1 day'
    when 'weekly' then interval '7 days' else interval '1 month' end)::date`

// SQL: whether exception `x` applies to the period starting on `start` (a date expression), in a
// statement that joins return_templates (the location's frequency gives the period's length). The one
// rule, for every channel's timing, the reminders and completeness: an exception applies to every
// period that shares a day with it. Its days run from its first day to its last (none: no end), or to
// the day before it was ended from; one ended from its first day has none.
export const appliesOn = (x: string, start: RawBuilder<unknown>) => {
  const column = (name: string) => sql.ref(`${x}.${name}`)
  return sql<boolean>`(${column('starts_on')} < ${periodEndAfter(start)}
  and (${column('last_day')} is null or ${start} <= ${column('last_day')})
  and (${column('ended_from')} is null
    or (${start} < ${column('ended_from')} and ${column('starts_on')} < ${column('ended_from')})))`
}

// The one exception that applies to `locations.id`'s period starting on `start`, as a lateral
// subquery aliased `x`: an exemption before a later deadline, then the most extra hours, then the newest.
export function exceptionApplying(eb: ExpressionBuilder<Database, 'locations'>, start: RawBuilder<unknown>) {
  return eb
    .selectFrom('returnExceptions as x')
    .select([
      'x.id as exceptionId',
      'x.kind as exceptionKind',
      'x.extraHours as exceptionExtraHours',
      'x.reason as exceptionReason',
      'x.startsOn as exceptionStartsOn',
      'x.lastDay as exceptionLastDay',
    ])
    .whereRef('x.locationId', '=', 'locations.id')
    .where(appliesOn('x', start))
    .orderBy(sql`x.kind = 'exempt'`, 'desc')
    .orderBy('x.extraHours', 'desc')
    .orderBy('x.createdAt', 'desc')
    .limit(1)
    .as('x')
}

// The period start for a location's frequency, in a statement that joins return_templates.
export const startForFrequency = (starts: PeriodStarts) =>
  sql<string>`case return_templates.frequency when 'daily' then ${starts.daily}::date
    when 'weekly' then ${starts.weekly}::date else ${starts.monthly}::date end`

export type ExceptionColumns = {
  exceptionId: string | null
  exceptionKind: AppliedException['kind'] | null
  exceptionExtraHours: number | null
  exceptionReason: string | null
  exceptionStartsOn: string | null
  exceptionLastDay: string | null
}

export function appliedException(row: ExceptionColumns): AppliedException | null {
  if (!row.exceptionId || !row.exceptionKind) return null
  return {
    id: row.exceptionId,
    kind: row.exceptionKind,
    extraHours: row.exceptionExtraHours ?? 0,
    reason: row.exceptionReason ?? '',
    startsOn: row.exceptionStartsOn ?? '',
    lastDay: row.exceptionLastDay,
  }
}

// A location's exceptions, newest first, with who granted and who ended each.
export async function exceptionsOf(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('returnExceptions as x')
    .leftJoin('users as granted', 'granted.id', 'x.createdBy')
    .leftJoin('users as ender', 'ender.id', 'x.endedBy')
    .select([
      'x.id',
      'x.kind',
      'x.extraHours',
      'x.reason',
      'x.startsOn',
      'x.lastDay',
      'x.createdAt',
      'x.endedFrom',
      'x.endedAt',
      'x.endReason',
      'granted.displayName as grantedBy',
      'ender.displayName as endedByName',
    ])
    .where('x.locationId', '=', locationId)
    .orderBy('x.createdAt', 'desc')
    .orderBy('x.id')
    .limit(200)
    .execute()
}
