import type { Transaction } from 'kysely'
import type { RetentionPeriods } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import type { Clock } from '../../domain/clock.ts'
import { recordAudits } from '../audit/index.ts'
import { retentionAuditActions as A } from './retention.audit-actions.ts'

// What one table gave up to a retention period: its rows deleted, or their personal data cleared with
// the row kept (for what refers to it: a deployment's cost, a check's outcome in the figures).
export type RetentionRemoval = {
  // Whose audit trail lists it: the council (or partner) the data belongs to.
  organisationId: string
  councilId: string | null
  table: string
  action: 'deleted' | 'anonymised'
  ids: string[]
}

// A capability's personal data and how long it is kept (its `contributes.personalDataRetention`):
// `apply` removes what is older than `olderThan`, in the job's transaction, a batch at a time, and says
// what it removed.
export type RetentionRule = {
  // What it covers, in the audit record and the README: e.g. 'welfare-checks'.
  name: string
  periodDays: (periods: RetentionPeriods) => number
  apply: (trx: Transaction<Database>, olderThan: Date, now: Date) => Promise<RetentionRemoval[]>
}

const dayMs = 86_400_000

type TableSummary = Partial<Record<RetentionRemoval['action'], { count: number; ids: string[] }>>

// One run: every rule in one transaction with its audit records, one per organisation, listing per table
// what was deleted or anonymised (counts and ids) and the periods applied. Nothing personal is in them.
export async function applyRetention(
  db: Db,
  clock: Clock,
  periods: RetentionPeriods,
  rules: RetentionRule[],
) {
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const removals: RetentionRemoval[] = []
    const applied: Record<string, { periodDays: number; before: string }> = {}
    for (const rule of rules) {
      const days = rule.periodDays(periods)
      const olderThan = new Date(now.getTime() - days * dayMs)
      applied[rule.name] = { periodDays: days, before: olderThan.toISOString() }
      removals.push(...(await rule.apply(trx, olderThan, now)))
    }
    const byOrganisation = new Map<
      string,
      { councilId: string | null; tables: Record<string, TableSummary> }
    >()
    for (const r of removals) {
      if (!r.ids.length) continue
      const entry = byOrganisation.get(r.organisationId) ?? { councilId: r.councilId, tables: {} }
      const table = entry.tables[r.table] ?? {}
      const done = table[r.action] ?? { count: 0, ids: [] }
      done.count += r.ids.length
      done.ids.push(...r.ids)
      table[r.action] = done
      entry.tables[r.table] = table
      byOrganisation.set(r.organisationId, entry)
    }
    await recordAudits(
      trx,
      [...byOrganisation].map(([organisationId, { councilId, tables }]) => ({
        actorUserId: null,
        organisationId,
        councilId,
        action: A.personalDataRemoved,
        entityType: 'personal-data',
        entityId: null,
        after: { tables, retention: applied },
        occurredAt: now,
      })),
    )
    const counts: Record<string, number> = {}
    for (const r of removals) counts[r.table] = (counts[r.table] ?? 0) + r.ids.length
    return counts
  })
}
