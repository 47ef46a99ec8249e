import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import type { CheckKind, PoolCandidate, ShiftTime } from './domain/matching.ts'
import type { PersonInput, RequestInput } from './domain/staffing.rules.ts'

// Emergency staffing's SQL. Each function takes the database or the caller's transaction first; the
// service decides who may do what and which transaction it runs in.

export const requestEntityType = 'staffing-request'
export const personEntityType = 'staffing-pool-person'
export const deploymentEntityType = 'staffing-deployment'

// A location in the actor's scope, with the council it belongs to; undefined when it is not theirs.
export function locationInScope(db: DbOrTransaction, actor: Actor, locationId: string) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .select([
      'locations.id',
      'locations.name',
      'locations.councilId',
      'locations.providerId',
      'providers.name as providerName',
    ])
    .where(locationVisible(locationScope(actor)))
    .where('locations.id', '=', locationId)
    .executeTakeFirst()
}

export async function insertRequest(
  trx: DbOrTransaction,
  values: { councilId: string; locationId: string; requestedByUserId: string; requestedAt: Date },
  input: RequestInput,
) {
  const { id, reference } = await trx
    .insertInto('staffingRequests')
    .values({
      ...values,
      reason: input.reason,
      urgency: input.urgency,
      details: input.details,
      status: 'open',
      outcomeReason: null,
      closedAt: null,
      closedByUserId: null,
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('staffingRequestShifts')
    .values(input.shifts.map((s) => ({ requestId: id, ...s })))
    .execute()
  return { id, reference }
}

const requestColumns = [
  'staffingRequests.id',
  'staffingRequests.reference',
  'staffingRequests.councilId',
  'staffingRequests.locationId',
  'locations.name as locationName',
  'locations.providerId',
  'staffingRequests.reason',
  'staffingRequests.urgency',
  'staffingRequests.details',
  'staffingRequests.status',
  'staffingRequests.outcomeReason',
  'staffingRequests.requestedAt',
  'staffingRequests.closedAt',
  'requester.displayName as requestedBy',
] as const

// Requests the actor may see: the staffing team its council's, a provider its own locations'.
export function visibleRequests(db: DbOrTransaction, actor: Actor, team: boolean) {
  return db
    .selectFrom('staffingRequests')
    .innerJoin('locations', 'locations.id', 'staffingRequests.locationId')
    .innerJoin('users as requester', 'requester.id', 'staffingRequests.requestedByUserId')
    .select([...requestColumns])
    .$if(team, (q) => q.where('staffingRequests.councilId', '=', actor.organisationId))
    .$if(!team, (q) => q.where(locationVisible(locationScope(actor))))
}

// A request's shifts with how many people are deployed on each (cancelled deployments do not count).
export function shiftsOf(db: DbOrTransaction, requestIds: readonly string[]) {
  if (requestIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('staffingRequestShifts as s')
    .select([
      's.id',
      's.requestId',
      's.role',
      's.shiftOn',
      's.startsMinute',
      's.endsMinute',
      's.peopleNeeded',
      (eb) =>
        eb
          .selectFrom('staffingDeployments as d')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('d.shiftId', '=', 's.id')
          .where('d.status', '<>', 'cancelled')
          .as('deployed'),
    ])
    .where('s.requestId', 'in', requestIds)
    .orderBy('s.shiftOn')
    .orderBy('s.startsMinute')
    .orderBy('s.id')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, deployed: Number(r.deployed ?? 0) })))
}

export function deploymentsOfRequest(db: DbOrTransaction, requestId: string) {
  return db
    .selectFrom('staffingDeployments as d')
    .innerJoin('staffingRequestShifts as s', 's.id', 'd.shiftId')
    .innerJoin('staffingPoolPeople as p', 'p.id', 'd.personId')
    .innerJoin('staffingBudgets as b', 'b.id', 'd.budgetId')
    .leftJoin('users as confirmer', 'confirmer.id', 'd.overspendConfirmedByUserId')
    .select([
      'd.id',
      'd.shiftId',
      'd.personId',
      'd.status',
      'd.hourlyRatePence',
      'd.minutesWorked',
      'd.costPence',
      'd.overspendConfirmedAt',
      'confirmer.displayName as overspendConfirmedBy',
      'p.name as personName',
      'p.employer as personEmployer',
      'p.role as personRole',
      'b.name as budgetName',
    ])
    .where('s.requestId', '=', requestId)
    .orderBy('d.deployedAt')
    .execute()
}

// The council's budgets with what is spent from each: the balance is always allocation less costs.
export async function budgetsOf(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('staffingBudgets as b')
    .select([
      'b.id',
      'b.name',
      'b.allocationPence',
      (eb) =>
        eb
          .selectFrom('staffingDeployments as d')
          .select(sql<string>`coalesce(sum(d.cost_pence), 0)::text`.as('spent'))
          .whereRef('d.budgetId', '=', 'b.id')
          .as('spent'),
    ])
    .where('b.councilId', '=', councilId)
    .orderBy('b.createdAt')
    .orderBy('b.name')
    .execute()
  return rows.map((r) => {
    const allocationPence = Number(r.allocationPence)
    const spentPence = Number(r.spent ?? 0)
    return { id: r.id, name: r.name, allocationPence, spentPence, balancePence: allocationPence - spentPence }
  })
}

// Locks the budget until the transaction ends, so two deployments cannot both spend its last pounds.
export async function lockBudget(trx: DbOrTransaction, budgetId: string) {
  await trx.selectFrom('staffingBudgets').select('id').where('id', '=', budgetId).forUpdate().execute()
  return (await budgetsOf(trx, (await councilOfBudget(trx, budgetId))!)).find((b) => b.id === budgetId)!
}
async function councilOfBudget(trx: DbOrTransaction, budgetId: string) {
  return (
    await trx.selectFrom('staffingBudgets').select('councilId').where('id', '=', budgetId).executeTakeFirst()
  )?.councilId
}

// The council's pool as matching sees it: each person's role, checks, free days and the shifts they are
// deployed on from the day before the shifts asked about to the day after (a night shift runs over).
export async function candidatesFor(db: DbOrTransaction, councilId: string, shifts: readonly ShiftTime[]) {
  const people = await db
    .selectFrom('staffingPoolPeople')
    .select(['id', 'name', 'employer', 'role', 'skills'])
    .where('councilId', '=', councilId)
    .where('personalDataRemovedAt', 'is', null)
    .orderBy('name')
    .orderBy('id')
    .execute()
  if (people.length === 0 || shifts.length === 0) return []
  const ids = people.map((p) => p.id)
  const starts = shifts.map((s) => s.shiftOn)
  const sorted = [...starts].sort()
  const first = addDaysToIsoDate(sorted[0]!, -1)
  const last = addDaysToIsoDate(sorted[sorted.length - 1]!, 1)
  const [checks, free, deployed] = await Promise.all([
    db
      .selectFrom('staffingPoolChecks')
      .select(['personId', 'kind', 'expiresOn'])
      .where('personId', 'in', ids)
      .execute(),
    db
      .selectFrom('staffingPoolAvailability')
      .select(['personId', 'availableOn'])
      .where('personId', 'in', ids)
      .where('availableOn', 'in', starts)
      .execute(),
    db
      .selectFrom('staffingDeployments as d')
      .innerJoin('staffingRequestShifts as s', 's.id', 'd.shiftId')
      .select(['d.personId', 'd.shiftOn', 's.startsMinute', 's.endsMinute'])
      .where('d.personId', 'in', ids)
      .where('d.shiftOn', '>=', first)
      .where('d.shiftOn', '<=', last)
      .where('d.status', '<>', 'cancelled')
      .execute(),
  ])
  return people.map((p): PoolCandidate & { name: string; employer: string; skills: string | null } => ({
    ...p,
    checks: Object.fromEntries(checks.filter((c) => c.personId === p.id).map((c) => [c.kind, c.expiresOn])),
    availableOn: free.filter((f) => f.personId === p.id).map((f) => f.availableOn),
    deployed: deployed
      .filter((d) => d.personId === p.id)
      .map((d) => ({ shiftOn: d.shiftOn, startsMinute: d.startsMinute, endsMinute: d.endsMinute })),
  }))
}

export function shiftWithRequest(db: DbOrTransaction, shiftId: string) {
  return db
    .selectFrom('staffingRequestShifts as s')
    .innerJoin('staffingRequests as r', 'r.id', 's.requestId')
    .innerJoin('locations', 'locations.id', 'r.locationId')
    .select([
      's.id',
      's.requestId',
      's.role',
      's.shiftOn',
      's.startsMinute',
      's.endsMinute',
      's.peopleNeeded',
      'r.reference',
      'r.councilId',
      'r.status as requestStatus',
      'r.locationId',
      'locations.name as locationName',
    ])
    .where('s.id', '=', shiftId)
    .executeTakeFirst()
}

export async function insertPerson(trx: DbOrTransaction, councilId: string, input: PersonInput, now: Date) {
  const { id } = await trx
    .insertInto('staffingPoolPeople')
    .values({
      councilId,
      name: input.name,
      employer: input.employer,
      role: input.role,
      skills: input.skills,
      phone: input.phone,
      createdAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await replaceChecks(trx, id, input.checks)
  await addAvailability(trx, id, input.availableOn)
  return id
}

export async function replaceChecks(
  trx: DbOrTransaction,
  personId: string,
  checks: readonly { kind: CheckKind; reference: string | null; expiresOn: string }[],
) {
  await trx.deleteFrom('staffingPoolChecks').where('personId', '=', personId).execute()
  if (checks.length)
    await trx
      .insertInto('staffingPoolChecks')
      .values(checks.map((c) => ({ personId, ...c })))
      .execute()
}

export async function addAvailability(trx: DbOrTransaction, personId: string, dates: readonly string[]) {
  if (dates.length)
    await trx
      .insertInto('staffingPoolAvailability')
      .values(dates.map((availableOn) => ({ personId, availableOn })))
      .onConflict((oc) => oc.columns(['personId', 'availableOn']).doNothing())
      .execute()
}
