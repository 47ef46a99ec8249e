import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { WelfareOutcome } from './domain/welfare.rules.ts'

// Welfare checks' SQL: functions taking the database or the caller's transaction. Every read is held to
// the councils given (the actor's own); the service decides who may read at all.

export async function hasGrant(db: DbOrTransaction, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('welfareGrants')
    .select('userId')
    .where('userId', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

// The council's administrators and officers, and whether each holds the welfare grant.
export async function grantCandidates(db: DbOrTransaction, councilId: string) {
  return db
    .selectFrom('users')
    .leftJoin('welfareGrants', 'welfareGrants.userId', 'users.id')
    .select(['users.id', 'users.displayName', 'users.email', 'users.role', 'welfareGrants.grantedAt'])
    .where('users.organisationId', '=', councilId)
    .where('users.role', 'in', ['admin', 'council_officer'])
    .where('users.status', '=', 'active')
    .orderBy('users.displayName')
    .execute()
}

// The officers a check may be assigned to: the council's users holding the grant.
export async function welfareOfficers(db: DbOrTransaction, councilIds: readonly string[]) {
  if (!councilIds.length) return []
  return db
    .selectFrom('welfareGrants')
    .innerJoin('users', 'users.id', 'welfareGrants.userId')
    .select(['users.id', 'users.displayName', 'users.email', 'welfareGrants.councilId'])
    .where('welfareGrants.councilId', 'in', councilIds)
    .where('users.status', '=', 'active')
    .orderBy('users.displayName')
    .execute()
}

const cancellationColumns = (db: DbOrTransaction, councilIds: readonly string[]) =>
  db
    .selectFrom('welfareCancellations as c')
    .innerJoin('locations', 'locations.id', 'c.locationId')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('users as recorder', 'recorder.id', 'c.recordedBy')
    .select([
      'c.id',
      'c.councilId',
      'c.locationId',
      'c.source',
      'c.visitsCancelled',
      'c.cancelledOn',
      'c.recordedAt',
      'locations.name as locationName',
      'providers.name as providerName',
      'recorder.displayName as recordedByName',
    ])
    .where('c.councilId', 'in', councilIds.length ? councilIds : ['00000000-0000-0000-0000-000000000000'])

// Cancelled visits, newest first, with how far their checks have got.
export async function cancellationList(db: DbOrTransaction, councilIds: readonly string[], limit = 200) {
  return cancellationColumns(db, councilIds)
    .select((eb) => [
      eb
        .selectFrom('welfarePeople as p')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('p.cancellationId', '=', 'c.id')
        .as('peopleListed'),
      eb
        .selectFrom('welfarePeople as p')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('p.cancellationId', '=', 'c.id')
        .where('p.finishedAt', 'is', null)
        .as('checksOpen'),
      eb
        .selectFrom('welfarePeople as p')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('p.cancellationId', '=', 'c.id')
        .where('p.finishedAt', 'is', null)
        .where('p.escalatedAt', 'is not', null)
        .as('checksEscalated'),
    ])
    .orderBy('c.cancelledOn', 'desc')
    .orderBy('c.recordedAt', 'desc')
    .limit(limit)
    .execute()
}

export async function findCancellation(db: DbOrTransaction, councilIds: readonly string[], id: string) {
  return cancellationColumns(db, councilIds).where('c.id', '=', id).executeTakeFirst()
}

const personColumns = (db: DbOrTransaction) =>
  db
    .selectFrom('welfarePeople as p')
    .leftJoin('users as officer', 'officer.id', 'p.assignedTo')
    .selectAll('p')
    .select('officer.displayName as assignedToName')

export async function peopleOf(db: DbOrTransaction, cancellationId: string) {
  return personColumns(db).where('p.cancellationId', '=', cancellationId).orderBy('p.createdAt').execute()
}

export async function findPerson(db: DbOrTransaction, councilIds: readonly string[], id: string) {
  if (!councilIds.length) return undefined
  return personColumns(db).where('p.id', '=', id).where('p.councilId', 'in', councilIds).executeTakeFirst()
}

export async function outcomesOf(db: DbOrTransaction, personId: string) {
  return db
    .selectFrom('welfareCheckOutcomes as o')
    .leftJoin('users', 'users.id', 'o.recordedBy')
    .select([
      'o.id',
      'o.outcome',
      'o.outcomeOn',
      'o.note',
      'o.recordedAt',
      'users.displayName as recordedByName',
    ])
    .where('o.personId', '=', personId)
    .orderBy('o.recordedAt', 'desc')
    .execute()
}

export async function recordOutcome(
  trx: DbOrTransaction,
  personId: string,
  o: {
    outcome: WelfareOutcome
    outcomeOn: string
    note: string | null
    by: string
    now: Date
    final: boolean
  },
) {
  await trx
    .insertInto('welfareCheckOutcomes')
    .values({
      personId,
      outcome: o.outcome,
      outcomeOn: o.outcomeOn,
      note: o.note,
      recordedBy: o.by,
      recordedAt: o.now,
    })
    .execute()
  await trx
    .updateTable('welfarePeople')
    .set((eb) => ({
      outcome: o.outcome,
      outcomeOn: o.outcomeOn,
      attempts: eb('attempts', '+', 1),
      finishedAt: o.final ? o.now : null,
    }))
    .where('id', '=', personId)
    .execute()
}

// Every check's state and outcome in the councils, for the figures (personal data not read).
export async function checkFigureRows(db: DbOrTransaction, councilIds: readonly string[]) {
  if (!councilIds.length) return []
  return db
    .selectFrom('welfarePeople')
    .select(['assignedTo', 'outcome', 'escalatedAt', 'finishedAt', 'personalDataRemovedAt'])
    .where('councilId', 'in', councilIds)
    .execute()
}

// The cancelled visits that current returns submitted since a time report, one row per location and
// period (for the named locations only, when given: a save's follow-up); an amended return updates its
// row. Only home-care returns ask for visits missed.
export async function cancellationsFromReturns(
  db: DbOrTransaction,
  now: Date,
  scope: { locationIds?: readonly string[]; submittedSince: Date },
) {
  const locations = scope.locationIds
    ? scope.locationIds.length
      ? sql`and r.location_id in (${sql.join(scope.locationIds.map((id) => sql`${id}::uuid`))})`
      : sql`and false`
    : sql``
  const which = sql`r.submitted_at >= ${scope.submittedSince}::timestamptz ${locations}`
  const { rows } = await sql<{ id: string }>`
    insert into welfare_cancellations (council_id, location_id, source, return_id, visits_cancelled, cancelled_on,
                                       recorded_by, recorded_at)
    select coalesce(l.council_id, (select cc.council_id from council_contracts cc where cc.location_id = l.id
                                   order by cc.council_id limit 1)),
           r.location_id, 'return', r.id, (r.values->>'visitsMissed')::int, r.period_start, r.submitted_by,
           ${now}::timestamptz
    from situation_returns r join locations l on l.id = r.location_id
    where r.is_current and ${which}
      and jsonb_typeof(r.values->'visitsMissed') = 'number' and (r.values->>'visitsMissed')::int > 0
      and (l.council_id is not null or exists (select 1 from council_contracts cc where cc.location_id = l.id))
    on conflict (location_id, cancelled_on) where source = 'return'
    do update set visits_cancelled = excluded.visits_cancelled, return_id = excluded.return_id
      where welfare_cancellations.return_id is distinct from excluded.return_id
    returning id`.execute(db)
  return rows.length
}

// Checks whose contact-by time has passed with no contact made, claimed for escalation.
export async function claimEscalations(trx: DbOrTransaction, now: Date) {
  return trx
    .selectFrom('welfarePeople')
    .select(['id', 'councilId', 'cancellationId', 'assignedTo', 'contactBy', 'outcome'])
    .where('escalatedAt', 'is', null)
    .where('finishedAt', 'is', null)
    .where('contactBy', '<=', now)
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'no_contact')]))
    .orderBy('contactBy')
    .limit(500)
    .forUpdate()
    .skipLocked()
    .execute()
}

// Finished checks past the retention period whose personal data is still held, claimed for removal.
export async function claimRemovals(trx: DbOrTransaction, finishedBefore: Date) {
  return trx
    .selectFrom('welfarePeople')
    .select(['id', 'councilId'])
    .where('personalDataRemovedAt', 'is', null)
    .where('finishedAt', '<=', finishedBefore)
    .limit(1000)
    .forUpdate()
    .skipLocked()
    .execute()
}

export async function removePersonalData(trx: DbOrTransaction, ids: string[], now: Date) {
  if (!ids.length) return
  await trx
    .updateTable('welfarePeople')
    .set({ reference: null, initials: null, area: null, personalDataRemovedAt: now })
    .where('id', 'in', ids)
    .execute()
  await trx.updateTable('welfareCheckOutcomes').set({ note: null }).where('personId', 'in', ids).execute()
}
