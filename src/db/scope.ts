import { type ExpressionBuilder, sql } from 'kysely'
import type { OrganisationScope, Scope } from '../domain/policy.ts'
import type { Database } from './schema.ts'

// Turns the policy's Scope into SQL over `locations`. Every query that reads locations goes through it.
export function locationVisible(scope: Scope) {
  return (eb: ExpressionBuilder<Database, 'locations'>) => {
    switch (scope.kind) {
      case 'everything':
        return eb.val(true)
      case 'nothing':
        return eb.val(false)
      case 'provider':
        return eb('locations.providerId', '=', scope.providerId)
      // The council's own locations and those it contracts with, as one list of ids: each half uses
      // its index, where "in the council or under contract" written as OR made PostgreSQL scan every
      // location (and, misjudging the cost, compile the scan: 70 ms instead of 6 at national scale).
      case 'councils':
        return eb(
          'locations.id',
          'in',
          eb
            .selectFrom('locations as own')
            .select('own.id')
            .where('own.councilId', 'in', scope.councilIds)
            .unionAll(
              eb
                .selectFrom('councilContracts')
                .select('councilContracts.locationId as id')
                .where('councilContracts.councilId', 'in', scope.councilIds),
            ),
        )
    }
  }
}

// Organisations an admin may manage: the council itself, partners linked to it, providers it sees.
export function organisationVisible(scope: OrganisationScope) {
  return (eb: ExpressionBuilder<Database, 'organisations'>) => {
    switch (scope.kind) {
      case 'everything':
        return eb.val(true)
      case 'nothing':
        return eb.val(false)
      case 'councils':
        return eb.or([
          eb('organisations.id', 'in', scope.councilIds),
          eb.exists(
            eb
              .selectFrom('partnerCouncils')
              .select(sql`1`.as('one'))
              .whereRef('partnerCouncils.partnerId', '=', 'organisations.id')
              .where('partnerCouncils.councilId', 'in', scope.councilIds),
          ),
          eb.exists(
            eb
              .selectFrom('locations')
              .select(sql`1`.as('one'))
              .whereRef('locations.providerId', '=', 'organisations.providerId')
              .where((l) =>
                l.or([
                  l('locations.councilId', 'in', scope.councilIds),
                  l.exists(
                    l
                      .selectFrom('councilContracts')
                      .select(sql`1`.as('one'))
                      .whereRef('councilContracts.locationId', '=', 'locations.id')
                      .where('councilContracts.councilId', 'in', scope.councilIds),
                  ),
                ]),
              ),
          ),
        ])
    }
  }
}
