import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import { registeredBedsOn } from '../directory/index.ts'
import { occupiedBedsOn } from '../returns/index.ts'
import {
  type Basis,
  type Candidate,
  type EligibilityRule,
  type RoundTerms,
  returnsWindowDays,
} from './domain/allocation.ts'
import type { RoundDraft, Tranche } from './domain/round-rules.ts'

// The grants' SQL: functions taking the database or a transaction first.

export type RoundRow = Awaited<ReturnType<typeof findRound>> & {}

export async function findRound(db: DbOrTransaction, id: string) {
  const row = await db
    .selectFrom('grantRounds')
    .innerJoin('organisations', 'organisations.id', 'grantRounds.councilId')
    .selectAll('grantRounds')
    .select(['organisations.name as councilName', 'organisations.onsCode as councilOnsCode'])
    .where('grantRounds.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    ...row,
    potPence: BigInt(row.potPence),
    retainedPence: BigInt(row.retainedPence),
    basis: row.basis as Basis,
    rules: row.rules as EligibilityRule[],
    measuresAllowed: row.measuresAllowed as string[],
    measuresNotAllowed: row.measuresNotAllowed as string[],
  }
}

export const termsOf = (round: NonNullable<RoundRow>): RoundTerms => ({
  potPence: round.potPence,
  retainedPence: round.retainedPence,
  formulaShareBp: round.formulaShareBp,
  homeCareShareBp: round.homeCareShareBp,
  basis: round.basis,
  snapshotDate: round.snapshotDate,
  rules: round.rules,
})

export async function tranchesOf(db: DbOrTransaction, roundId: string) {
  return db.selectFrom('grantTranches').selectAll().where('roundId', '=', roundId).orderBy('number').execute()
}

export async function roundsOf(db: DbOrTransaction, councilIds: readonly string[]) {
  if (councilIds.length === 0) return []
  return db
    .selectFrom('grantRounds')
    .select(['id', 'name', 'status', 'roundDate', 'potPence', 'councilId'])
    .where('councilId', 'in', councilIds)
    .orderBy('roundDate', 'desc')
    .orderBy('createdAt', 'desc')
    .execute()
}

const roundColumns = (draft: RoundDraft) => ({
  name: draft.name,
  potPence: draft.potPence,
  retainedPence: draft.retainedPence,
  retainedPurpose: draft.retainedPurpose,
  formulaShareBp: draft.formulaShareBp,
  homeCareShareBp: draft.homeCareShareBp,
  basis: draft.basis,
  snapshotDate: draft.snapshotDate,
  roundDate: draft.roundDate,
  passOnWorkingDays: draft.passOnWorkingDays,
  rules: JSON.stringify(draft.rules),
  measuresAllowed: JSON.stringify(draft.measuresAllowed),
  measuresNotAllowed: JSON.stringify(draft.measuresNotAllowed),
  clawbackUnspent: draft.clawbackUnspent,
  funderId: draft.funderId,
})

export async function insertRound(
  db: DbOrTransaction,
  councilId: string,
  draft: RoundDraft,
  by: string | null,
  now: Date,
) {
  const row = await db
    .insertInto('grantRounds')
    .values({ ...roundColumns(draft), councilId, createdBy: by, createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await replaceTranches(db, row.id, draft.tranches)
  return row.id
}

export async function updateRound(db: DbOrTransaction, id: string, draft: RoundDraft, now: Date) {
  await db
    .updateTable('grantRounds')
    .set({ ...roundColumns(draft), updatedAt: now })
    .where('id', '=', id)
    .execute()
  await replaceTranches(db, id, draft.tranches)
}

async function replaceTranches(db: DbOrTransaction, roundId: string, tranches: Tranche[]) {
  await db.deleteFrom('grantTranches').where('roundId', '=', roundId).execute()
  await db
    .insertInto('grantTranches')
    .values(tranches.map((t) => ({ roundId, number: t.number, payOn: t.payOn, shareBp: t.shareBp })))
    .execute()
}

// What the directory and the returns say about each location in the council's area on the snapshot
// date, in one query: its status from the dated history, its registered beds from the dated history of
// beds, its occupied beds from the returns just before, its people supported, its latest return then,
// and an earlier round of the council whose terms it declined. What the round's basis and rules do not
// use is not read.
export async function candidatesFor(
  db: DbOrTransaction,
  round: {
    id: string
    councilId: string
    snapshotDate: string
    basis: Basis
    rules: readonly EligibilityRule[]
  },
): Promise<Candidate[]> {
  const on = round.snapshotDate
  const location = sql.ref('l.id')
  const none = sql<null>`null`
  const rows = await sql<{
    locationId: string
    providerId: string
    name: string
    serviceType: string
    registeredBeds: number | null
    occupiedBeds: number | null
    peopleSupported: number | null
    status: string | null
    lastReturnOn: string | null
    lastTrackerOn: string | null
    refusedRound: string | null
  }>`
    select l.id as location_id, l.provider_id, l.name, l.service_type, l.people_supported,
      ${round.basis === 'registered_beds' ? registeredBedsOn(location, on) : none} as registered_beds,
      ${round.basis === 'occupied_beds' ? occupiedBedsOn(location, addDaysToIsoDate(on, -(returnsWindowDays - 1)), on) : none} as occupied_beds,
      -- The latest event on or before the date (the later recorded of two on one day). Its date found
      -- first, from the index alone, so no sort runs per location.
      (select e.status from location_status_events e
        where e.location_id = l.id and e.effective_from = (select max(m.effective_from)
          from location_status_events m where m.location_id = l.id and m.effective_from <= ${on}::date)
        order by e.recorded_at desc limit 1) as status,
      ${
        round.rules.includes('returns-submitted')
          ? sql`(select to_char(max(r.period_start), 'YYYY-MM-DD') from situation_returns r
        where r.location_id = l.id and r.is_current and r.period_start <= ${on}::date)`
          : none
      } as last_return_on,
      ${
        round.rules.includes('tracker-up-to-date')
          ? sql`(select to_char(max(r.period_start), 'YYYY-MM-DD') from situation_returns r
        where r.location_id = l.id and r.is_current and r.source = 'import' and r.period_start <= ${on}::date)`
          : none
      } as last_tracker_on,
      ${
        round.rules.includes('not-refused')
          ? sql`(select gr.name from grant_allocations ga join grant_rounds gr on gr.id = ga.round_id
        where ga.location_id = l.id and ga.decision = 'declined' and gr.id <> ${round.id}
          and gr.council_id = ${round.councilId} and gr.round_date <= ${on}::date
        order by gr.round_date desc limit 1)`
          : none
      } as refused_round
    from locations l
    where l.council_id = ${round.councilId}
    order by l.name, l.id`.execute(db)
  return rows.rows.map((r) => ({
    locationId: r.locationId,
    providerId: r.providerId,
    name: r.name,
    careHome: r.serviceType.startsWith('care_home'),
    inArea: true,
    statusOnSnapshot: (r.status ?? 'not-yet-open') as Candidate['statusOnSnapshot'],
    registeredBeds: r.registeredBeds,
    occupiedBeds: r.occupiedBeds,
    peopleSupported: r.peopleSupported,
    lastReturnOn: r.lastReturnOn,
    lastTrackerOn: r.lastTrackerOn,
    refusedRound: r.refusedRound,
  }))
}

export type StoredPreviewLine = {
  locationId: string
  providerId: string
  name: string
  basisValue: number
  eligible: boolean
  reason: string | null
  amountPence: string
  explanation: string
}

export async function latestPreviews(db: DbOrTransaction, roundId: string, count = 2) {
  const rows = await db
    .selectFrom('grantPreviews')
    .selectAll()
    .where('roundId', '=', roundId)
    .orderBy('number', 'desc')
    .limit(count)
    .execute()
  return rows.map((r) => ({
    ...r,
    lines: (r.lines as StoredPreviewLine[]).map((l) => ({ ...l, amountPence: BigInt(l.amountPence) })),
    formulaPence: BigInt(r.formulaPence),
    discretionaryPence: BigInt(r.discretionaryPence),
    totalBasis: Number(r.totalBasis),
  }))
}

export async function allocationsOf(db: DbOrTransaction, roundId: string) {
  const rows = await db
    .selectFrom('grantAllocations')
    .innerJoin('locations', 'locations.id', 'grantAllocations.locationId')
    .leftJoin('grantSpendReturns', 'grantSpendReturns.allocationId', 'grantAllocations.id')
    .selectAll('grantAllocations')
    .select([
      'locations.name as locationName',
      'grantSpendReturns.spentPence',
      'grantSpendReturns.clawbackPence',
      'grantSpendReturns.recoveredPence',
      'grantSpendReturns.amounts as spendAmounts',
      (eb) =>
        eb
          .selectFrom('grantPayments')
          .select((e) =>
            e.fn.coalesce(e.fn.sum<string>('grantPayments.amountPence'), sql<string>`0`).as('paid'),
          )
          .whereRef('grantPayments.allocationId', '=', 'grantAllocations.id')
          .as('paidPence'),
    ])
    .where('grantAllocations.roundId', '=', roundId)
    .orderBy('grantAllocations.eligible', 'desc')
    .orderBy('grantAllocations.amountPence', 'desc')
    .execute()
  return rows.map((r) => ({
    ...r,
    amountPence: BigInt(r.amountPence),
    paidPence: BigInt(r.paidPence ?? 0),
    spentPence: r.spentPence === null ? null : BigInt(r.spentPence),
    clawbackPence: r.clawbackPence === null ? null : BigInt(r.clawbackPence),
    recoveredPence: r.recoveredPence === null ? null : BigInt(r.recoveredPence),
    spendAmounts: r.spendAmounts === null ? null : (r.spendAmounts as string[]).map(BigInt),
  }))
}

export async function findAllocation(db: DbOrTransaction, id: string) {
  const row = await db
    .selectFrom('grantAllocations')
    .innerJoin('locations', 'locations.id', 'grantAllocations.locationId')
    .innerJoin('providers', 'providers.id', 'grantAllocations.providerId')
    .selectAll('grantAllocations')
    .select(['locations.name as locationName', 'providers.name as providerName'])
    .where('grantAllocations.id', '=', id)
    .executeTakeFirst()
  return row ? { ...row, amountPence: BigInt(row.amountPence) } : undefined
}

export async function paymentsOf(db: DbOrTransaction, allocationIds: readonly string[]) {
  if (allocationIds.length === 0) return []
  const rows = await db
    .selectFrom('grantPayments')
    .innerJoin('grantTranches', 'grantTranches.id', 'grantPayments.trancheId')
    .select([
      'grantPayments.id',
      'grantPayments.allocationId',
      'grantPayments.trancheId',
      'grantPayments.amountPence',
      'grantPayments.paidOn',
      'grantTranches.number as trancheNumber',
    ])
    .where('grantPayments.allocationId', 'in', allocationIds)
    .orderBy('grantTranches.number')
    .execute()
  return rows.map((r) => ({ ...r, amountPence: BigInt(r.amountPence) }))
}

export async function spendReturnOf(db: DbOrTransaction, allocationId: string) {
  const row = await db
    .selectFrom('grantSpendReturns')
    .selectAll()
    .where('allocationId', '=', allocationId)
    .executeTakeFirst()
  if (!row) return null
  return {
    ...row,
    amounts: (row.amounts as string[]).map(BigInt),
    spentPence: BigInt(row.spentPence),
    unspentPence: BigInt(row.unspentPence),
    clawbackPence: BigInt(row.clawbackPence),
    recoveredPence: BigInt(row.recoveredPence),
  }
}

// A provider's allocations in committed rounds (for its home page), or one location's (its page).
export async function committedAllocations(
  db: DbOrTransaction,
  where: { providerId: string } | { locationId: string },
) {
  let query = db
    .selectFrom('grantAllocations')
    .innerJoin('grantRounds', 'grantRounds.id', 'grantAllocations.roundId')
    .innerJoin('locations', 'locations.id', 'grantAllocations.locationId')
    .select([
      'grantAllocations.id',
      'grantAllocations.amountPence',
      'grantAllocations.eligible',
      'grantAllocations.reason',
      'grantAllocations.decision',
      'grantAllocations.decidedOn',
      'grantAllocations.decidedByName',
      'grantAllocations.providerId',
      'grantRounds.id as roundId',
      'grantRounds.name as roundName',
      'grantRounds.councilId',
      'locations.name as locationName',
      (eb) =>
        eb
          .selectFrom('grantPayments')
          .select((e) =>
            e.fn.coalesce(e.fn.sum<string>('grantPayments.amountPence'), sql<string>`0`).as('paid'),
          )
          .whereRef('grantPayments.allocationId', '=', 'grantAllocations.id')
          .as('paidPence'),
      (eb) =>
        eb
          .selectFrom('grantSpendReturns')
          .select('grantSpendReturns.spentPence')
          .whereRef('grantSpendReturns.allocationId', '=', 'grantAllocations.id')
          .as('spentPence'),
    ])
    .where('grantRounds.status', '=', 'committed')
  query =
    'providerId' in where
      ? query.where('grantAllocations.providerId', '=', where.providerId)
      : query.where('grantAllocations.locationId', '=', where.locationId)
  const rows = await query.orderBy('grantRounds.roundDate', 'desc').orderBy('locations.name').execute()
  return rows.map((r) => ({
    ...r,
    amountPence: BigInt(r.amountPence),
    paidPence: BigInt(r.paidPence ?? 0),
    spentPence: r.spentPence === null ? null : BigInt(r.spentPence),
  }))
}
