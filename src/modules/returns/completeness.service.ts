import { type ExpressionBuilder, sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { isIsoDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope, type Scope } from '../../domain/policy.ts'
import { textLimits } from '../../domain/text-limits.ts'
import { recordAudit } from '../audit/index.ts'
import { enqueueEmail } from '../comms/index.ts'
import { completeness } from './domain/completeness.ts'
import {
  type Frequency,
  type Period,
  periodContaining,
  periodStarting,
  windowTimes,
} from './domain/periods.ts'
import { type ReportingFilter, reportingPage, reportingStatus } from './domain/reporting-list.ts'
import { appliesOn, exceptionApplying } from './return-exceptions.repository.ts'
import { returnsAuditActions } from './returns.audit-actions.ts'
import { returnsPaths } from './returns.paths.ts'

// An exemption (an agreed exception, return-exceptions.service.ts) applies to the location's period.
const exemptFor = (periodStart: string) => (eb: ExpressionBuilder<Database, 'locations'>) =>
  eb.exists(
    eb
      .selectFrom('returnExceptions as x')
      .select(sql`1`.as('one'))
      .whereRef('x.locationId', '=', 'locations.id')
      .where('x.kind', '=', 'exempt')
      .where(appliesOn('x', sql`${periodStart}::date`)),
  )

// The locations expected to report for a period: in scope, of a service that reports at that
// frequency, open on the period's first day by their dated status history, and not exempt from it.
export function expectedLocations(
  db: DbOrTransaction,
  scope: Scope,
  frequency: Frequency,
  periodStart: string,
) {
  return reportingLocations(db, scope, frequency, periodStart).where((eb) =>
    eb.not(exemptFor(periodStart)(eb)),
  )
}

// The same, but exempt ones too (`exempt` says which).
function reportingLocations(db: DbOrTransaction, scope: Scope, frequency: Frequency, periodStart: string) {
  return db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .select([
      'locations.id',
      'locations.name',
      'locations.area',
      'locations.serviceType',
      'locations.providerId',
      'providers.name as providerName',
      'returnTemplates.opensAfterHours',
      'returnTemplates.dueAfterHours',
      'returnTemplates.locksAfterHours',
    ])
    .where('returnTemplates.frequency', '=', frequency)
    .where(locationVisible(scope))
    .where(
      (eb) =>
        eb
          .selectFrom('locationStatusEvents')
          .select('locationStatusEvents.status')
          .whereRef('locationStatusEvents.locationId', '=', 'locations.id')
          .where('locationStatusEvents.effectiveFrom', '<=', periodStart)
          .orderBy('locationStatusEvents.effectiveFrom', 'desc')
          .orderBy('locationStatusEvents.id', 'desc')
          .limit(1),
      '=',
      'open',
    )
}

export function createCompletenessService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The tallies over every expected location, and one page of the list of them (./domain/reporting-list.ts).
  async function forPeriod(
    actor: Actor,
    frequency: Frequency,
    date?: string,
    list: { filter?: ReportingFilter; page?: number; pageSize?: number } = {},
  ) {
    if (!can(actor, 'contacts:read') && actor.role !== 'viewer' && actor.role !== 'regional_viewer')
      return null
    const period: Period = date ? periodStarting(frequency, date) : periodContaining(frequency, clock.now())
    const expected = await expectedLocations(db, locationScope(actor), frequency, period.start)
      .orderBy('locations.name')
      .execute()
    // Exempt by an agreed exception: not expected, so neither missing nor counted; listed apart.
    const exempt = await reportingLocations(db, locationScope(actor), frequency, period.start)
      .where(exemptFor(period.start))
      .orderBy('locations.name')
      .execute()
    const submissions = expected.length
      ? await db
          .selectFrom('situationReturns')
          .select(['locationId', 'timing'])
          .where('periodStart', '=', period.start)
          .where('isCurrent', '=', true)
          .where(
            'locationId',
            'in',
            expected.map((e) => e.id),
          )
          .execute()
      : []
    const result = completeness(
      expected.map((e) => ({ locationId: e.id, area: e.area, serviceType: e.serviceType })),
      submissions,
    )
    const timings = new Map(submissions.map((s) => [s.locationId, s.timing]))
    const { rows, total, page } = reportingPage(
      expected.map((e) => ({ ...e, status: reportingStatus(timings.get(e.id)) })),
      list.filter ?? { status: '', area: '' },
      list.page ?? 1,
      list.pageSize ?? 50,
    )
    // Risk for every row shown; reminders and chases only matter for those still missing.
    const shownIds = rows.map((r) => r.id)
    const missingIds = rows.filter((r) => r.status === 'missing').map((r) => r.id)
    const chases = missingIds.length
      ? await db
          .selectFrom('returnChases')
          .leftJoin('users', 'users.id', 'returnChases.recordedBy')
          .select([
            'returnChases.locationId',
            'returnChases.note',
            'returnChases.recordedAt',
            'users.displayName',
          ])
          .where('returnChases.periodStart', '=', period.start)
          .where('returnChases.locationId', 'in', missingIds)
          .orderBy('returnChases.recordedAt', 'desc')
          .execute()
      : []
    // A partner's viewer (Healthwatch) is not shown a location's RAG (what-each-role-sees.ts).
    const riskShown = can(actor, 'risk-status:read')
    const risks =
      riskShown && shownIds.length
        ? await db
            .selectFrom('locationRisk')
            .select(['locationId', 'rag'])
            .where('locationId', 'in', shownIds)
            .execute()
        : []
    const reminders = missingIds.length
      ? await db
          .selectFrom('returnReminders')
          .select(['locationId', 'sentAt'])
          .where('periodStart', '=', period.start)
          .where('locationId', 'in', missingIds)
          .execute()
      : []
    return {
      period,
      result,
      exempt,
      riskShown,
      areas: result.byArea.map((a) => a.area),
      locations: rows.map((e) => ({
        ...e,
        chases: chases.filter((c) => c.locationId === e.id),
        remindedAt: reminders.find((r) => r.locationId === e.id)?.sentAt ?? null,
        rag: riskShown ? (risks.find((r) => r.locationId === e.id)?.rag ?? 'green') : null,
      })),
      locationsTotal: total,
      page,
    }
  }

  async function recordChase(
    actor: Actor,
    locationId: string,
    periodStart: string,
    note: string,
  ): Promise<{ ok: true } | { ok: false; error: string } | null> {
    if (!can(actor, 'contacts:read') || !isUuid(locationId) || !isIsoDate(periodStart)) return null
    const location = await db
      .selectFrom('locations')
      .select('id')
      .where('id', '=', locationId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()
    if (!location) return null
    if (!note.trim()) return { ok: false, error: 'Enter what happened when you chased the return' }
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const chase = await trx
        .insertInto('returnChases')
        .values({
          locationId,
          periodStart,
          note: note.trim().slice(0, textLimits.chaseNote),
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: returnsAuditActions.returnChased,
        entityType: 'location',
        entityId: locationId,
        after: chase,
        occurredAt: now,
      })
    })
    return { ok: true }
  }

  return { forPeriod, recordChase }
}

export type CompletenessService = ReturnType<typeof createCompletenessService>

// The reminder job: once the deadline has passed, each location still missing its return gets one
// reminder per period, e-mailed to its provider's managers through the outbox. The reminder row and
// the e-mails are written in one transaction, and the row's key makes a second instance skip it.
export async function sendReturnReminders(
  db: Db,
  clock: Clock,
  baseUrl: string,
): Promise<{ reminded: number; emails: number }> {
  const now = clock.now()
  let reminded = 0
  let emails = 0
  const templates = await db.selectFrom('returnTemplates').selectAll().execute()
  for (const frequency of [...new Set(templates.map((t) => t.frequency))]) {
    const period = periodContaining(frequency, now)
    // Before the earliest deadline of the frequency's templates, no one is late yet.
    const earliestDue = Math.min(
      ...templates
        .filter((t) => t.frequency === frequency)
        .map((t) => windowTimes(period, t).dueAt.getTime()),
    )
    if (now.getTime() <= earliestDue) continue
    const candidates = await expectedLocations(db, { kind: 'everything' }, frequency, period.start)
      .leftJoinLateral(
        (eb) => exceptionApplying(eb, sql`${period.start}::date`),
        (join) => join.onTrue(),
      )
      .select(['x.exceptionKind', 'x.exceptionExtraHours'])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('situationReturns')
              .select(sql`1`.as('one'))
              .whereRef('situationReturns.locationId', '=', 'locations.id')
              .where('situationReturns.periodStart', '=', period.start),
          ),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('returnReminders')
              .select(sql`1`.as('one'))
              .whereRef('returnReminders.locationId', '=', 'locations.id')
              .where('returnReminders.periodStart', '=', period.start),
          ),
        ),
      )
      .execute()
    // Each location's own deadline: its template's, moved by its agreed later deadline.
    const missing = candidates.filter(
      (c) =>
        now >
        windowTimes(period, c, c.exceptionKind === 'later-deadline' ? (c.exceptionExtraHours ?? 0) : 0).dueAt,
    )
    for (const location of missing) {
      const sent = await db.transaction().execute(async (trx) => {
        const managers = await trx
          .selectFrom('users')
          .innerJoin('organisations', 'organisations.id', 'users.organisationId')
          .select(['users.email', 'users.displayName'])
          .where('organisations.providerId', '=', location.providerId)
          .where('users.status', '=', 'active')
          .where('users.role', '=', 'provider_manager')
          .execute()
        const claimed = await trx
          .insertInto('returnReminders')
          .values({
            locationId: location.id,
            periodStart: period.start,
            sentAt: now,
            recipients: managers.length,
          })
          .onConflict((oc) => oc.columns(['locationId', 'periodStart']).doNothing())
          .returning('locationId')
          .executeTakeFirst()
        if (!claimed) return null
        for (const manager of managers) {
          await enqueueEmail(
            trx,
            {
              kind: 'return-reminder',
              to: manager.email,
              subject: `Your CareHub return for ${location.name} is overdue`,
              body: [
                `Dear ${manager.displayName},`,
                '',
                `We have not yet had the ${frequency} return for ${location.name} for the period starting ${period.start}.`,
                '',
                'If nothing has changed since your last return, you can send the same figures again with one button:',
                `${baseUrl}${returnsPaths.nothingChanged.build(location.id)}`,
                '',
                'Otherwise, fill in the return:',
                `${baseUrl}${returnsPaths.newReturn.build(location.id)}`,
              ].join('\n'),
            },
            now,
          )
        }
        return managers.length
      })
      if (sent === null) continue
      reminded++
      emails += sent
    }
  }
  return { reminded, emails }
}
