import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'

// What the app's returns change besides the returns themselves, for the locations a run uses: the
// alerts, cases and RAG rows as they were (restored afterwards), and where the append-only tables
// stood (what is newer is deleted afterwards), so that "today" is reusable. The rollup days the returns
// touched are marked stale afterwards (the rollup job may have counted them).
export type Snapshot = {
  locationIds: string[]
  alerts: string
  cases: string
  risk: string
  maxAlertEvent: string
  maxCaseEvent: string
  maxAudit: string
}

export async function snapshot(db: Db, locationIds: string[]): Promise<Snapshot> {
  const ids = sql.val(locationIds)
  const { rows } = await sql<Omit<Snapshot, 'locationIds'>>`
    select
      (select coalesce(jsonb_agg(to_jsonb(a)), '[]') from alerts a where a.location_id = any(${ids}::uuid[]))::text as alerts,
      (select coalesce(jsonb_agg(to_jsonb(c)), '[]') from cases c where c.location_id = any(${ids}::uuid[]))::text as cases,
      (select coalesce(jsonb_agg(to_jsonb(r)), '[]') from location_risk r where r.location_id = any(${ids}::uuid[]))::text as risk,
      (select coalesce(max(id), 0) from alert_events)::text as "maxAlertEvent",
      (select coalesce(max(id), 0) from case_events)::text as "maxCaseEvent",
      (select coalesce(max(id), 0) from audit_events)::text as "maxAudit"`.execute(db)
  return { locationIds, ...rows[0]! }
}

// Puts back what the snapshot recorded and deletes the run's returns with their risk figures, in one
// transaction; the audit rows, which the database keeps append-only, go in a second one with triggers
// off for that transaction only (the benchmark connects as superuser).
export async function restore(db: Db, s: Snapshot, today: string, since: Date): Promise<string> {
  const ids = sql.val(s.locationIds)
  const counts: string[] = []
  const n = (label: string, r: { numAffectedRows?: bigint }) =>
    counts.push(`${r.numAffectedRows ?? 0} ${label}`)
  await db.transaction().execute(async (trx) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(trx)
    await run(sql`create temp table bench_new_alerts on commit drop as
      select a.id from alerts a where a.location_id = any(${ids}::uuid[])
        and a.id not in (select (x->>'id')::uuid from jsonb_array_elements(${s.alerts}::jsonb) x)`)
    await run(sql`delete from contact_log_alerts where alert_id in (select id from bench_new_alerts)`)
    await run(sql`delete from alert_notifications where alert_id in (select id from bench_new_alerts)`)
    n(
      'alert events',
      await run(sql`delete from alert_events where id > ${s.maxAlertEvent}::bigint
        and alert_id in (select id from alerts where location_id = any(${ids}::uuid[]))`),
    )
    n('alerts raised', await run(sql`delete from alerts where id in (select id from bench_new_alerts)`))
    n(
      'alerts restored',
      await run(sql`update alerts a set status = o.status, severity = o.severity, title = o.title,
          message = o.message, evidence = o.evidence, rule_version_id = o.rule_version_id, case_id = o.case_id,
          evidence_updated_at = o.evidence_updated_at, resolved_at = o.resolved_at, resolved_by = o.resolved_by,
          resolved_by_return_id = o.resolved_by_return_id, resolution_note = o.resolution_note
        from jsonb_populate_recordset(null::alerts, ${s.alerts}::jsonb) o
        where a.id = o.id and row(a.*) is distinct from row(o.*)`),
    )
    // The RAG rows first: they name the open case.
    await run(sql`delete from location_risk r where r.location_id = any(${ids}::uuid[])
        and r.location_id not in (select (x->>'location_id')::uuid from jsonb_array_elements(${s.risk}::jsonb) x)`)
    n(
      'RAG rows restored',
      await run(sql`update location_risk r set rag = o.rag, open_alerts = o.open_alerts,
          open_case_id = o.open_case_id, updated_at = o.updated_at
        from jsonb_populate_recordset(null::location_risk, ${s.risk}::jsonb) o
        where r.location_id = o.location_id and row(r.*) is distinct from row(o.*)`),
    )
    n(
      'case events',
      await run(sql`delete from case_events where id > ${s.maxCaseEvent}::bigint
        and case_id in (select id from cases where location_id = any(${ids}::uuid[]))`),
    )
    n(
      'cases opened',
      await run(sql`delete from cases c where c.location_id = any(${ids}::uuid[])
        and c.id not in (select (x->>'id')::uuid from jsonb_array_elements(${s.cases}::jsonb) x)`),
    )
    n(
      'cases restored',
      await run(sql`update cases c set status = o.status, owning_organisation_id = o.owning_organisation_id,
          owner_user_id = o.owner_user_id, resolved_at = o.resolved_at, resolved_by = o.resolved_by,
          resolution_note = o.resolution_note, updated_at = o.updated_at
        from jsonb_populate_recordset(null::cases, ${s.cases}::jsonb) o
        where c.id = o.id and row(c.*) is distinct from row(o.*)`),
    )
    // The dashboard-rollup job runs in the app (issue 27) and may have built the run's returns into the
    // rollup: the days they touched are marked stale, so that the next read rebuilds them without.
    n(
      'rollup days marked stale',
      await run(sql`insert into dashboard_stale (day, council_key)
        select b.day, v.council_key from dashboard_days_built b cross join (
          select coalesce(l.council_id, '00000000-0000-0000-0000-000000000000'::uuid) as council_key
            from locations l where l.id = any(${ids}::uuid[])
          union select c.council_id from council_contracts c where c.location_id = any(${ids}::uuid[])
        ) v
        where b.day between ${today}::date and ${today}::date + 60
        on conflict do nothing`),
    )
    n('risk queue rows', await run(sql`delete from risk_queue q where q.location_id = any(${ids}::uuid[])`))
    // The returns go with their foreign-key checks off: with them on, PostgreSQL scans alerts, alert_events
    // and welfare_cancellations (no index on their return columns; the app never deletes a return) once
    // for each deleted return, about 4 minutes for a run. So what could refer to the run's returns is
    // deleted first, a single scan checks nothing else does, and their risk figures (kept by a trigger,
    // off with the checks) are deleted by hand.
    await run(sql`create temp table bench_new_returns on commit drop as
      select r.id from situation_returns r where r.period_start = ${today}
        and r.submitted_at >= ${since} and r.location_id = any(${ids}::uuid[])`)
    await run(sql`delete from welfare_cancellations where return_id in (select id from bench_new_returns)`)
    const { rows: referred } = await run(sql`
      select (select count(*) from alerts where raised_by_return_id in (select id from bench_new_returns)
                or resolved_by_return_id in (select id from bench_new_returns))
           + (select count(*) from alert_events where return_id in (select id from bench_new_returns)) as n`)
    const stillReferred = Number((referred[0] as { n: string }).n)
    if (stillReferred > 0)
      throw new Error(`${stillReferred} alerts or alert events still refer to the run's returns`)
    await run(sql`set local session_replication_role = replica`)
    await run(sql`delete from return_risk_figures where return_id in (select id from bench_new_returns)`)
    n('returns', await run(sql`delete from situation_returns where id in (select id from bench_new_returns)`))
  })
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    n(
      'audit records',
      await sql`delete from audit_events where id > ${s.maxAudit}::bigint and occurred_at >= ${since}
        and entity_type = 'situation-return'`.execute(trx),
    )
  })
  return counts.join(', ')
}
