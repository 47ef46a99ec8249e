import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { recordAudits } from '../audit/index.ts'
import { enqueueEmail } from '../comms/index.ts'
import type { RetentionRule } from '../retention/index.ts'
import type { ReturnSaveHook } from '../returns/index.ts'
import { welfareAuditActions as A } from './welfare-checks.audit-actions.ts'
import { welfarePaths } from './welfare-checks.paths.ts'
import {
  cancellationsFromReturns,
  claimEscalations,
  claimRemovals,
  removePersonalData,
  welfareOfficers,
} from './welfare-checks.repository.ts'

// Welfare checks' part in every saved return (ADR 7): a home-care return reporting visits missed or
// cancelled puts them on the council's welfare list, after the versions are saved. The API's channel
// runs no follow-up, so the welfare job also sweeps the returns of the last two days.
export const welfareOnReturnSave: ReturnSaveHook = {
  followUp: async (trx, locationIds, now) => {
    // The versions just saved: this save's, not the location's earlier weeks.
    await cancellationsFromReturns(trx, now, {
      locationIds,
      submittedSince: new Date(now.getTime() - 3_600_000),
    })
  },
}

// Checks not made by their contact-by time: escalated, audited, and the council's welfare team told
// (one e-mail per officer per run, with no personal data in it).
export async function escalateOverdueChecks(db: Db, now: Date, baseUrl = '') {
  return db.transaction().execute(async (trx) => {
    const due = await claimEscalations(trx, now)
    if (!due.length) return 0
    await trx
      .updateTable('welfarePeople')
      .set({ escalatedAt: now })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .execute()
    await recordAudits(
      trx,
      due.map((d) => ({
        actorUserId: null,
        organisationId: d.councilId,
        councilId: d.councilId,
        action: A.welfareCheckEscalated,
        entityType: 'welfare-check',
        entityId: d.id,
        after: { contactBy: d.contactBy?.toISOString() ?? null, lastOutcome: d.outcome },
        occurredAt: now,
      })),
    )
    const councils = [...new Set(due.map((d) => d.councilId))]
    for (const officer of await welfareOfficers(trx, councils)) {
      const count = due.filter((d) => d.councilId === officer.councilId).length
      await enqueueEmail(
        trx,
        {
          kind: 'welfare-escalation',
          to: officer.email,
          subject: `${count} welfare ${count === 1 ? 'check' : 'checks'} not made in time`,
          body: [
            `${count} welfare ${count === 1 ? 'check has' : 'checks have'} passed the time by which contact had to be made.`,
            '',
            `See them in CareHub: ${baseUrl}${welfarePaths.welfare.build()}`,
          ].join('\n'),
        },
        now,
      )
    }
    return due.length
  })
}

// Welfare checks' personal data (reference, initials, area, outcome notes), cleared the retention period
// after the check finished (RETENTION_WELFARE_DAYS). The rows stay, flags and outcomes with them: the
// counts of checks made and their outcomes still add up. The retention capability runs it and audits.
export const welfareRetention: RetentionRule = {
  name: 'welfare-checks',
  periodDays: (periods) => periods.welfareDays,
  apply: async (trx, olderThan, now) => {
    const due = await claimRemovals(trx, olderThan)
    if (!due.length) return []
    const ids = due.map((d) => d.id)
    const notes = await trx
      .selectFrom('welfareCheckOutcomes')
      .select(['id', 'personId'])
      .where('personId', 'in', ids)
      .where('note', 'is not', null)
      .execute()
    await removePersonalData(trx, ids, now)
    const councils = [...new Set(due.map((d) => d.councilId))]
    return councils.flatMap((councilId) => {
      const people = due.filter((d) => d.councilId === councilId).map((d) => d.id)
      const own = new Set(people)
      return [
        {
          organisationId: councilId,
          councilId,
          table: 'welfare_people',
          action: 'anonymised' as const,
          ids: people,
        },
        {
          organisationId: councilId,
          councilId,
          table: 'welfare_check_outcomes',
          action: 'anonymised' as const,
          ids: notes.filter((n) => own.has(n.personId)).map((n) => n.id),
        },
      ]
    })
  },
}

// The scheduled welfare work: recent returns' cancellations and escalations (the retention period is
// the retention capability's job, through welfareRetention).
export async function runWelfareJob(db: Db, clock: Clock, baseUrl = '') {
  const now = clock.now()
  const fromReturns = await cancellationsFromReturns(db, now, {
    submittedSince: new Date(now.getTime() - 2 * 86_400_000),
  })
  const escalated = await escalateOverdueChecks(db, now, baseUrl)
  return { fromReturns, escalated }
}
