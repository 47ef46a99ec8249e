import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import type { WorklistFilter } from './domain/casework.rules.ts'

// Cases as the worklist, the case page and the location page read them. Each takes the database or a
// transaction first, and the actor's scope where locations are read: a case is seen through its location.

const workingRoles = ['admin', 'council_officer', 'partner_officer'] as const

// The case, with the facts the rules need, when its location is in scope.
export async function caseInScope(trx: DbOrTransaction, scope: Scope, caseId: string, forUpdate = false) {
  let query = trx
    .selectFrom('cases')
    .innerJoin('locations', 'locations.id', 'cases.locationId')
    .select([
      'cases.id',
      'cases.locationId',
      'cases.status',
      'cases.owningOrganisationId',
      'cases.ownerUserId',
      'cases.openedAt',
      'cases.resolvedAt',
      'cases.resolvedBy',
      'cases.resolutionNote',
      'locations.name as locationName',
      'locations.councilId as locationCouncilId',
    ])
    .where('cases.id', '=', caseId)
    .where(locationVisible(scope))
  if (forUpdate) query = query.forUpdate('cases')
  return (await query.executeTakeFirst()) ?? null
}

export async function locationInScope(trx: DbOrTransaction, scope: Scope, locationId: string) {
  return (
    (await trx
      .selectFrom('locations')
      .select(['id', 'name', 'councilId'])
      .where('id', '=', locationId)
      .where(locationVisible(scope))
      .executeTakeFirst()) ?? null
  )
}

// Organisations that may own a case at this location: the councils whose market it is (among
// `councilIds`, the actor's) and the partners serving them.
export async function eligibleOrganisations(
  trx: DbOrTransaction,
  councilIds: readonly string[],
  locationId: string,
) {
  const contracts = await trx
    .selectFrom('councilContracts')
    .select('councilId')
    .where('locationId', '=', locationId)
    .execute()
  const location = await trx
    .selectFrom('locations')
    .select('councilId')
    .where('id', '=', locationId)
    .executeTakeFirstOrThrow()
  const councils = [location.councilId, ...contracts.map((c) => c.councilId)].filter(
    (id): id is string => id !== null && councilIds.includes(id),
  )
  if (councils.length === 0) return []
  return trx
    .selectFrom('organisations')
    .select(['id', 'name', 'kind'])
    .where((eb) =>
      eb.or([
        eb('id', 'in', councils),
        eb.exists(
          eb
            .selectFrom('partnerCouncils')
            .select(sql`1`.as('one'))
            .whereRef('partnerCouncils.partnerId', '=', 'organisations.id')
            .where('partnerCouncils.councilId', 'in', councils),
        ),
      ]),
    )
    .where('kind', 'not in', ['provider', 'region', 'healthwatch'])
    .orderBy(sql`kind = 'council'`, 'desc')
    .orderBy('name')
    .execute()
}

// The active officers of those organisations, who may be passed a case.
export async function eligiblePeople(trx: DbOrTransaction, organisationIds: string[]) {
  if (organisationIds.length === 0) return []
  return trx
    .selectFrom('users')
    .select(['id', 'displayName', 'organisationId'])
    .where('organisationId', 'in', organisationIds)
    .where('status', '=', 'active')
    .where('role', 'in', workingRoles)
    .orderBy('displayName')
    .execute()
}

// ---- the worklist ----

// The open cases in scope, worst first, then the longest waiting; with the count behind each tab.
export async function worklistPage(
  db: DbOrTransaction,
  scope: Scope,
  me: { userId: string; organisationId: string },
  options: { filter: WorklistFilter; page: number; pageSize: number },
) {
  const worstRank = sql<number>`coalesce((select min(case when a.severity = 'red' then 0 else 1 end)
    from alerts a where a.case_id = cases.id and a.status = 'open'), 2)`
  const base = db
    .selectFrom('cases')
    .innerJoin('locations', 'locations.id', 'cases.locationId')
    .where('cases.status', '<>', 'resolved')
    .where(locationVisible(scope))
  const counts = await base
    .select((eb) => [
      eb.fn.countAll<string>().as('all'),
      eb.fn.countAll<string>().filterWhere('cases.ownerUserId', '=', me.userId).as('mine'),
      eb.fn
        .countAll<string>()
        .filterWhere('cases.owningOrganisationId', '=', me.organisationId)
        .as('organisation'),
      eb.fn.countAll<string>().filterWhere('cases.owningOrganisationId', 'is', null).as('unowned'),
    ])
    .executeTakeFirstOrThrow()
  let filtered = base
  if (options.filter === 'mine') filtered = filtered.where('cases.ownerUserId', '=', me.userId)
  if (options.filter === 'organisation')
    filtered = filtered.where('cases.owningOrganisationId', '=', me.organisationId)
  if (options.filter === 'unowned') filtered = filtered.where('cases.owningOrganisationId', 'is', null)
  const rows = await filtered
    .leftJoin('locationRisk', 'locationRisk.locationId', 'cases.locationId')
    .leftJoin('organisations as owningOrganisation', 'owningOrganisation.id', 'cases.owningOrganisationId')
    .leftJoin('users as owner', 'owner.id', 'cases.ownerUserId')
    .select([
      'cases.id',
      'cases.status',
      'cases.openedAt',
      'cases.locationId',
      'locations.name as locationName',
      'locationRisk.rag',
      'owningOrganisation.name as owningOrganisationName',
      'owner.displayName as ownerName',
      worstRank.as('severityRank'),
      sql<string | null>`(select min(ca.due_on) from case_actions ca
        where ca.case_id = cases.id and ca.status = 'open')`.as('nextActionDue'),
    ])
    .orderBy(worstRank)
    .orderBy('cases.openedAt')
    .orderBy('cases.id')
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)
    .execute()
  return { counts, rows }
}

export async function openAlertsOfCases(db: DbOrTransaction, caseIds: string[]) {
  if (caseIds.length === 0) return []
  return db
    .selectFrom('alerts')
    .select(['caseId', 'title', 'severity'])
    .where('caseId', 'in', caseIds)
    .where('status', '=', 'open')
    .orderBy('severity', 'desc')
    .orderBy('raisedAt')
    .execute()
}
