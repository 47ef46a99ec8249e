import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { recordAudits } from '../audit/index.ts'
import { enqueueEmail } from '../comms/index.ts'
import type { ReturnSaveHook } from '../returns/index.ts'
import { retentionDays } from './domain/welfare.rules.ts'
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

// Personal data of checks finished more than the retention period ago is removed; the trail records
// how many, for each council, and which checks.
export async function removeExpiredPersonalData(db: Db, now: Date) {
  return db.transaction().execute(async (trx) => {
    const finishedBefore = new Date(now.getTime() - retentionDays * 86_400_000)
    const due = await claimRemovals(trx, finishedBefore)
    if (!due.length) return 0
    await removePersonalData(
      trx,
      due.map((d) => d.id),
      now,
    )
    const councils = [...new Set(due.map((d) => d.councilId))]
    await recordAudits(
      trx,
      councils.map((councilId) => {
        const ids = due.filter((d) => d.councilId === councilId).map((d) => d.id)
        return {
          actorUserId: null,
          organisationId: councilId,
          councilId,
          action: A.welfarePersonalDataRemoved,
          entityType: 'welfare-checks',
          entityId: null,
          after: { checks: ids.length, retentionDays, checkIds: ids },
          occurredAt: now,
        }
      }),
    )
    return due.length
  })
}

// The scheduled welfare work: recent returns' cancellations, escalations, then the retention period.
export async function runWelfareJob(db: Db, clock: Clock, baseUrl = '') {
  const now = clock.now()
  const fromReturns = await cancellationsFromReturns(db, now, {
    submittedSince: new Date(now.getTime() - 2 * 86_400_000),
  })
  const escalated = await escalateOverdueChecks(db, now, baseUrl)
  const removed = await removeExpiredPersonalData(db, now)
  return { fromReturns, escalated, removed }
}
