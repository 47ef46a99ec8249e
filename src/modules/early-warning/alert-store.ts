import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { type AlertRaise, applyAlertChanges } from './alert-changes.ts'

// One alert at a time, for the capacity tracker's flags, an officer's intelligence or resolution and the
// demo data: written through the same set-based statement as the risk rules' changes (alert-changes.ts).
// Every alert joins its location's one open case, opened when there is none, and the location's RAG is
// kept equal to its worst open alert. Callers run these inside their own transaction; authorisation is
// the caller's job.

export type RaiseAlert = AlertRaise & { actorUserId?: string | null; at: Date }

export type RaiseOutcome = {
  alertId: string
  caseId: string
  // 'raised': a new alert; 'updated': an open alert had new evidence; 'unchanged': same evidence.
  outcome: 'raised' | 'updated' | 'unchanged'
  // True when the location had no open case until now.
  caseOpened: boolean
}

const sameEvidence = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

// Raises the alert, or, when one with the same key is open at the location, gives it the new evidence
// (severity, wording) unless they are the same.
export async function raiseAlert(db: DbOrTransaction, a: RaiseAlert): Promise<RaiseOutcome> {
  const { actorUserId = null, at, ...alert } = a
  // A second pass when another writer raised the same alert meanwhile: it is open now.
  for (let attempt = 0; attempt < 3; attempt++) {
    const open = await db
      .selectFrom('alerts')
      .select(['id', 'caseId', 'evidence', 'severity', 'message'])
      .where('locationId', '=', a.locationId)
      .where('alertKey', '=', a.alertKey)
      .where('status', '=', 'open')
      .executeTakeFirst()
    if (open) {
      const { id: alertId, caseId } = open
      if (
        sameEvidence(open.evidence, a.evidence) &&
        open.severity === a.severity &&
        open.message === a.message
      )
        return { alertId, caseId, outcome: 'unchanged', caseOpened: false }
      const { severity, title, message, evidence } = a
      const update = { alertId, severity, title, message, evidence }
      const refs = { ruleVersionId: a.ruleVersionId ?? null, returnId: a.returnId ?? null }
      await applyAlertChanges(db, { updates: [{ ...update, ...refs }] }, at, { actorUserId })
      return { alertId, caseId, outcome: 'updated', caseOpened: false }
    }
    const options = { actorUserId, withRaisedAlerts: true }
    const [raised] = (await applyAlertChanges(db, { raises: [alert] }, at, options)).raisedAlerts
    if (raised)
      return {
        alertId: raised.alertId,
        caseId: raised.caseId,
        outcome: 'raised',
        caseOpened: raised.caseOpened,
      }
  }
  throw new Error(`Could not raise the alert ${a.alertKey}`)
}

export type ResolveAlert = {
  alertId: string
  // Said on the alert: the officer's note, or which return cleared the condition.
  note: string
  returnId?: string | null
  actorUserId?: string | null
  at: Date
}

// Resolves one open alert; false when it was not open (already resolved by someone else).
export async function resolveAlert(db: DbOrTransaction, r: ResolveAlert): Promise<boolean> {
  const resolve = { alertId: r.alertId, note: r.note, returnId: r.returnId ?? null }
  const applied = await applyAlertChanges(db, { resolves: [resolve] }, r.at, { actorUserId: r.actorUserId })
  return applied.resolved > 0
}

// Sets each location's RAG to its worst open alert (green with none), in one statement: after a case
// is closed, when the location has no open case any more.
export async function refreshRag(
  db: DbOrTransaction,
  locationIds: readonly string[],
  at: Date,
): Promise<void> {
  if (locationIds.length === 0) return
  await sql`
    insert into location_risk (location_id, rag, open_alerts, open_case_id, updated_at)
    select l.id,
           case when bool_or(a.severity = 'red') then 'red'
                when bool_or(a.severity = 'amber') then 'amber'
                else 'green' end,
           count(a.id)::int,
           (select c.id from cases c where c.location_id = l.id and c.status <> 'resolved'),
           ${at}
    from unnest(${sql.val(locationIds)}::uuid[]) as l(id)
    left join alerts a on a.location_id = l.id and a.status = 'open'
    group by l.id
    on conflict (location_id) do update
      set rag = excluded.rag, open_alerts = excluded.open_alerts,
          open_case_id = excluded.open_case_id, updated_at = excluded.updated_at`.execute(db)
}
