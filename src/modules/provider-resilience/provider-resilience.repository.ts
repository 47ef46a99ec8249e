import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Scope } from '../../domain/policy.ts'
import type { ResilienceInput } from './domain/resilience.rules.ts'

// Provider resilience's SQL: functions taking the database or the caller's transaction; every read of a
// location goes through the policy's scope.

export async function locationInScope(db: DbOrTransaction, scope: Scope, locationId: string) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .select(['locations.id', 'locations.name', 'locations.councilId', 'providers.name as providerName'])
    .where('locations.id', '=', locationId)
    .where(locationVisible(scope))
    .executeTakeFirst()
}

export async function resilienceOf(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('locationResilience')
    .leftJoin('users', 'users.id', 'locationResilience.updatedBy')
    .selectAll('locationResilience')
    .select('users.displayName as updatedByName')
    .where('locationResilience.locationId', '=', locationId)
    .executeTakeFirst()
}

export async function saveResilience(
  trx: DbOrTransaction,
  locationId: string,
  input: ResilienceInput,
  by: string,
  now: Date,
) {
  const row = { ...input, updatedBy: by, updatedAt: now }
  await trx
    .insertInto('locationResilience')
    .values({ locationId, ...row })
    .onConflict((oc) => oc.column('locationId').doUpdateSet(row))
    .execute()
}

// Every visible open location with what the at-risk reasons read: RAG, the latest return's staffing,
// the continuity record and any financial concern.
export async function riskFactRows(db: DbOrTransaction, scope: Scope) {
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .leftJoin('locationResilience as res', 'res.locationId', 'locations.id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('situationReturns as r')
          .select([
            sql<number | null>`case when jsonb_typeof(r.values->'staffEmployed') = 'number'
              then (r.values->>'staffEmployed')::int end`.as('staffEmployed'),
            sql<number | null>`case when jsonb_typeof(r.values->'staffAbsentCovid') = 'number'
              and jsonb_typeof(r.values->'staffAbsentOther') = 'number'
              then (r.values->>'staffAbsentCovid')::int + (r.values->>'staffAbsentOther')::int end`.as(
              'staffAbsent',
            ),
            sql<boolean>`coalesce(r.values->>'helpRequested', '') like '%staffing%'`.as('staffingHelpAsked'),
          ])
          .whereRef('r.locationId', '=', 'locations.id')
          .where('r.isCurrent', '=', true)
          .orderBy('r.periodStart', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.onTrue(),
    )
    .select([
      'locations.id',
      'locations.name',
      'locations.serviceType',
      'providers.name as providerName',
      'locationRisk.rag',
      'res.locationId as resilienceLocationId',
      'res.planGaps',
      'res.planReviewDue',
      'res.financialConcern',
      'res.selfFunded',
      'latest.staffEmployed',
      'latest.staffAbsent',
      'latest.staffingHelpAsked',
    ])
    .where(locationVisible(scope))
    .where('locations.status', '<>', 'closed')
    .execute()
}

const planColumns = (db: DbOrTransaction) =>
  db
    .selectFrom('protectionPlans as plan')
    .innerJoin('locations', 'locations.id', 'plan.locationId')
    .leftJoin('users as opener', 'opener.id', 'plan.openedBy')
    .selectAll('plan')
    .select(['locations.name as locationName', 'opener.displayName as openedByName'])

export async function plansOfLocation(db: DbOrTransaction, locationId: string) {
  return planColumns(db).where('plan.locationId', '=', locationId).orderBy('plan.openedAt', 'desc').execute()
}

export async function findPlan(db: DbOrTransaction, scope: Scope, planId: string) {
  return planColumns(db).where('plan.id', '=', planId).where(locationVisible(scope)).executeTakeFirst()
}

export async function reviewsOf(db: DbOrTransaction, planId: string) {
  return db
    .selectFrom('protectionPlanReviews as r')
    .leftJoin('users', 'users.id', 'r.recordedBy')
    .selectAll('r')
    .select('users.displayName as recordedByName')
    .where('r.planId', '=', planId)
    .orderBy('r.recordedAt', 'desc')
    .execute()
}

// The case a plan is opened from, when the actor may see its location; its location's name with it.
export async function caseInScope(db: DbOrTransaction, scope: Scope, caseId: string) {
  return db
    .selectFrom('cases')
    .innerJoin('locations', 'locations.id', 'cases.locationId')
    .select(['cases.id', 'cases.locationId', 'cases.status', 'locations.name as locationName'])
    .where('cases.id', '=', caseId)
    .where(locationVisible(scope))
    .executeTakeFirst()
}

export async function openCaseOfLocation(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('cases')
    .select('id')
    .where('locationId', '=', locationId)
    .where('status', '<>', 'resolved')
    .orderBy('openedAt', 'desc')
    .executeTakeFirst()
}
