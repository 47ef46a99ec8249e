import { londonDate } from '../../domain/dates.ts'
import type { RetentionRule } from '../retention/index.ts'

const removedName = 'Name removed'

// The staffing pool's personal data, once a person has been inactive for the retention period
// (RETENTION_STAFFING_POOL_DAYS: not changed, not free on any day and not deployed on any shift since).
// Their checks (DBS and other references) and free days are deleted. Someone never deployed is deleted
// outright; someone deployed keeps a row without name, phone or skills, marked and left out of the
// pool, because each deployment's cost counts against a budget and shows in the weekly figures.
export const staffingPoolRetention: RetentionRule = {
  name: 'staffing-pool',
  periodDays: (periods) => periods.staffingPoolDays,
  apply: async (trx, olderThan, now) => {
    const sinceDay = londonDate(olderThan)
    const due = await trx
      .selectFrom('staffingPoolPeople as p')
      .select(['p.id', 'p.councilId'])
      .select((eb) =>
        eb
          .exists(
            eb.selectFrom('staffingDeployments as d').select('d.id').whereRef('d.personId', '=', 'p.id'),
          )
          .as('deployed'),
      )
      .where('p.personalDataRemovedAt', 'is', null)
      .where('p.updatedAt', '<', olderThan)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('staffingPoolAvailability as a')
              .select('a.personId')
              .whereRef('a.personId', '=', 'p.id')
              .where('a.availableOn', '>=', sinceDay),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('staffingDeployments as d')
              .select('d.id')
              .whereRef('d.personId', '=', 'p.id')
              .where('d.shiftOn', '>=', sinceDay),
          ),
        ),
      )
      .orderBy('p.id')
      .limit(1000)
      .forUpdate()
      .skipLocked()
      .execute()
    if (!due.length) return []
    const ids = due.map((p) => p.id)
    const checks = await trx
      .deleteFrom('staffingPoolChecks')
      .where('personId', 'in', ids)
      .returning('personId')
      .execute()
    const free = await trx
      .deleteFrom('staffingPoolAvailability')
      .where('personId', 'in', ids)
      .returning('personId')
      .execute()
    const deployed = due.filter((p) => p.deployed).map((p) => p.id)
    const never = due.filter((p) => !p.deployed).map((p) => p.id)
    if (never.length) await trx.deleteFrom('staffingPoolPeople').where('id', 'in', never).execute()
    if (deployed.length)
      await trx
        .updateTable('staffingPoolPeople')
        .set({ name: removedName, phone: null, skills: null, personalDataRemovedAt: now, updatedAt: now })
        .where('id', 'in', deployed)
        .execute()
    const councils = [...new Set(due.map((p) => p.councilId))]
    return councils.flatMap((councilId) => {
      const own = new Set(due.filter((p) => p.councilId === councilId).map((p) => p.id))
      const mine = (list: string[]) => [...new Set(list.filter((id) => own.has(id)))]
      const at = { organisationId: councilId, councilId }
      return [
        { ...at, table: 'staffing_pool_people', action: 'deleted' as const, ids: mine(never) },
        { ...at, table: 'staffing_pool_people', action: 'anonymised' as const, ids: mine(deployed) },
        // A check's or a free day's key is its person's: the ids listed are the people's.
        {
          ...at,
          table: 'staffing_pool_checks',
          action: 'deleted' as const,
          ids: mine(checks.map((c) => c.personId)),
        },
        {
          ...at,
          table: 'staffing_pool_availability',
          action: 'deleted' as const,
          ids: mine(free.map((f) => f.personId)),
        },
      ]
    })
  },
}
