import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import { locationSearchMatches } from '../directory/index.ts'
import type { AlertKind, WorklistQuery } from './domain/worklist.rules.ts'

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

// 0 = red, 1 = amber, 2 = no open alert (the domain's severityRank).
const worstRank = sql<number>`coalesce((select min(case when a.severity = 'red' then 0 else 1 end)
  from alerts a where a.case_id = cases.id and a.status = 'open'), 2)`
// When the newest open alert at the case's worst severity was raised.
const latestAlertAt = sql<Date | null>`(select max(a.raised_at) from alerts a
  where a.case_id = cases.id and a.status = 'open'
  and (case when a.severity = 'red' then 0 else 1 end) = ${worstRank})`
const nextActionDue = sql<string | null>`(select min(ca.due_on) from case_actions ca
  where ca.case_id = cases.id and ca.status = 'open')`
const ragOf = sql<string>`coalesce(location_risk.rag, 'green')`

type Me = { userId: string; organisationId: string }
type Facet = 'show' | 'area' | 'serviceType' | 'rag' | 'alertKind'

// The open cases in scope narrowed by every filter but `except` (so each filter's counts say how
// many cases choosing that value would list).
function openCases(db: DbOrTransaction, scope: Scope, me: Me, query: WorklistQuery, except?: Facet) {
  return db
    .selectFrom('cases')
    .innerJoin('locations', 'locations.id', 'cases.locationId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'cases.locationId')
    .where('cases.status', '<>', 'resolved')
    .where(locationVisible(scope))
    .$if(Boolean(query.search), (q) => q.where(locationSearchMatches(query.search)))
    .$if(except !== 'area' && Boolean(query.area), (q) => q.where('locations.area', '=', query.area))
    .$if(except !== 'serviceType' && Boolean(query.serviceType), (q) =>
      q.where('locations.serviceType', '=', query.serviceType),
    )
    .$if(except !== 'rag' && Boolean(query.rag), (q) => q.where(ragOf, '=', query.rag))
    .$if(except !== 'alertKind' && Boolean(query.alertKind), (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('alerts')
            .select(sql`1`.as('one'))
            .whereRef('alerts.caseId', '=', 'cases.id')
            .where('alerts.status', '=', 'open')
            .where('alerts.source', '=', query.alertKind as AlertKind),
        ),
      ),
    )
    .$if(except !== 'show' && query.show === 'mine', (q) => q.where('cases.ownerUserId', '=', me.userId))
    .$if(except !== 'show' && query.show === 'organisation', (q) =>
      q.where('cases.owningOrganisationId', '=', me.organisationId),
    )
    .$if(except !== 'show' && query.show === 'unowned', (q) =>
      q.where('cases.owningOrganisationId', 'is', null),
    )
}

// How many cases each value of each filter would list, the other filters as chosen.
async function worklistCounts(db: DbOrTransaction, scope: Scope, me: Me, query: WorklistQuery) {
  const grouped = async (facet: Exclude<Facet, 'show' | 'alertKind'>) => {
    const column =
      facet === 'area'
        ? sql<string>`locations.area`
        : facet === 'serviceType'
          ? sql<string>`locations.service_type`
          : ragOf
    const rows = await openCases(db, scope, me, query, facet)
      .select((eb) => [column.as('value'), eb.fn.countAll<string>().as('count')])
      .groupBy(column)
      .execute()
    return Object.fromEntries(rows.map((r) => [r.value ?? '', Number(r.count)])) as Record<string, number>
  }
  const owners = await openCases(db, scope, me, query, 'show')
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
  const kinds = await openCases(db, scope, me, query, 'alertKind')
    .innerJoin('alerts', (join) =>
      join.onRef('alerts.caseId', '=', 'cases.id').on('alerts.status', '=', 'open'),
    )
    .select((eb) => ['alerts.source as value', eb.fn.count<string>('cases.id').distinct().as('count')])
    .groupBy('alerts.source')
    .execute()
  return {
    show: {
      all: Number(owners.all),
      mine: Number(owners.mine),
      organisation: Number(owners.organisation),
      unowned: Number(owners.unowned),
    },
    area: await grouped('area'),
    serviceType: await grouped('serviceType'),
    rag: await grouped('rag'),
    alertKind: Object.fromEntries(kinds.map((k) => [k.value, Number(k.count)])) as Record<string, number>,
  }
}

// The open cases in scope, as searched, filtered and ordered; with the count behind each filter value.
export async function worklistPage(
  db: DbOrTransaction,
  scope: Scope,
  me: Me,
  query: WorklistQuery,
  paging: { page: number; pageSize: number },
) {
  const counts = await worklistCounts(db, scope, me, query)
  let rows = openCases(db, scope, me, query)
    .leftJoin('organisations as owningOrganisation', 'owningOrganisation.id', 'cases.owningOrganisationId')
    .leftJoin('users as owner', 'owner.id', 'cases.ownerUserId')
    .select([
      'cases.id',
      'cases.status',
      'cases.openedAt',
      'cases.locationId',
      'locations.name as locationName',
      'locations.postcode',
      'locations.cqcLocationId',
      ragOf.as('rag'),
      'owningOrganisation.name as owningOrganisationName',
      'owner.displayName as ownerName',
      worstRank.as('severityRank'),
      latestAlertAt.as('latestAlertAt'),
      nextActionDue.as('nextActionDue'),
    ])
  // Each order ends with the case id, so that paging is stable.
  if (query.order === 'urgent')
    rows = rows.orderBy(worstRank).orderBy(sql`${latestAlertAt} desc nulls last`).orderBy('cases.openedAt')
  if (query.order === 'longest-waiting') rows = rows.orderBy('cases.openedAt')
  if (query.order === 'next-action')
    rows = rows.orderBy(sql`${nextActionDue} asc nulls last`).orderBy(worstRank).orderBy('cases.openedAt')
  if (query.order === 'name') rows = rows.orderBy('locations.name')
  const page = await rows
    .orderBy('cases.id')
    .limit(paging.pageSize)
    .offset((paging.page - 1) * paging.pageSize)
    .execute()
  return { counts, rows: page }
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
