import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { AlertSource, Rag, Severity } from '../../db/schema.ts'

// The one place alerts are raised, refreshed and resolved, whatever their source (our risk rules, the
// national capacity tracker's red flag, an officer's intelligence). Every alert joins its location's one
// open case, opened here when there is none, and the location's RAG is kept equal to its worst open
// alert. Callers run these inside their own transaction; authorisation is the caller's job.

export type RaiseAlert = {
  locationId: string
  source: AlertSource
  // Rule key, 'capacity-tracker', or a fresh key per piece of intelligence.
  alertKey: string
  ruleVersionId?: string | null
  severity: Severity
  title: string
  message: string
  evidence: Record<string, unknown>
  returnId?: string | null
  actorUserId?: string | null
  at: Date
}

export type RaiseOutcome = {
  alertId: string
  caseId: string
  // 'raised': a new alert; 'updated': an open alert had new evidence; 'unchanged': same evidence.
  outcome: 'raised' | 'updated' | 'unchanged'
  // True when the location had no open case until now.
  caseOpened: boolean
}

const sameEvidence = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

// The location's open case, opened if there is none. Safe against two writers at once: the partial
// unique index allows one open case per location, and the loser reads the winner's.
export async function openCaseFor(
  db: DbOrTransaction,
  locationId: string,
  at: Date,
  actorUserId: string | null = null,
): Promise<{ caseId: string; opened: boolean }> {
  const existing = await db
    .selectFrom('cases')
    .select('id')
    .where('locationId', '=', locationId)
    .where('status', '<>', 'resolved')
    .executeTakeFirst()
  if (existing) return { caseId: existing.id, opened: false }
  const inserted = await sql<{ id: string }>`
    insert into cases (location_id, status, opened_at, updated_at)
    values (${locationId}, 'open', ${at}, ${at})
    on conflict (location_id) where status <> 'resolved' do nothing
    returning id`.execute(db)
  const id = inserted.rows[0]?.id
  if (!id) return openCaseFor(db, locationId, at, actorUserId)
  await db
    .insertInto('caseEvents')
    .values({ caseId: id, kind: 'opened', note: null, details: null, actorUserId, occurredAt: at })
    .execute()
  return { caseId: id, opened: true }
}

export async function raiseAlert(db: DbOrTransaction, a: RaiseAlert): Promise<RaiseOutcome> {
  const open = await db
    .selectFrom('alerts')
    .select(['id', 'caseId', 'evidence', 'severity', 'message'])
    .where('locationId', '=', a.locationId)
    .where('alertKey', '=', a.alertKey)
    .where('status', '=', 'open')
    .executeTakeFirst()
  if (open) {
    if (sameEvidence(open.evidence, a.evidence) && open.severity === a.severity && open.message === a.message)
      return { alertId: open.id, caseId: open.caseId, outcome: 'unchanged', caseOpened: false }
    await db
      .updateTable('alerts')
      .set({
        evidence: JSON.stringify(a.evidence),
        severity: a.severity,
        title: a.title,
        message: a.message,
        ruleVersionId: a.ruleVersionId ?? null,
        evidenceUpdatedAt: a.at,
      })
      .where('id', '=', open.id)
      .execute()
    await db
      .insertInto('alertEvents')
      .values({
        alertId: open.id,
        kind: 'evidence_updated',
        evidence: JSON.stringify(a.evidence),
        note: null,
        returnId: a.returnId ?? null,
        actorUserId: a.actorUserId ?? null,
        occurredAt: a.at,
      })
      .execute()
    if (open.severity !== a.severity) await refreshRag(db, [a.locationId], a.at)
    return { alertId: open.id, caseId: open.caseId, outcome: 'updated', caseOpened: false }
  }
  const { caseId, opened } = await openCaseFor(db, a.locationId, a.at, a.actorUserId ?? null)
  const alert = await db
    .insertInto('alerts')
    .values({
      locationId: a.locationId,
      caseId,
      source: a.source,
      alertKey: a.alertKey,
      ruleVersionId: a.ruleVersionId ?? null,
      severity: a.severity,
      title: a.title,
      message: a.message,
      evidence: JSON.stringify(a.evidence),
      status: 'open',
      raisedAt: a.at,
      raisedBy: a.actorUserId ?? null,
      raisedByReturnId: a.returnId ?? null,
      evidenceUpdatedAt: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('alertEvents')
    .values({
      alertId: alert.id,
      kind: 'raised',
      evidence: JSON.stringify(a.evidence),
      note: null,
      returnId: a.returnId ?? null,
      actorUserId: a.actorUserId ?? null,
      occurredAt: a.at,
    })
    .execute()
  await db
    .insertInto('caseEvents')
    .values({
      caseId,
      kind: 'alert_added',
      note: a.title,
      details: JSON.stringify({ alertId: alert.id, severity: a.severity, source: a.source }),
      actorUserId: a.actorUserId ?? null,
      occurredAt: a.at,
    })
    .execute()
  await refreshRag(db, [a.locationId], a.at)
  return { alertId: alert.id, caseId, outcome: 'raised', caseOpened: opened }
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
  const updated = await db
    .updateTable('alerts')
    .set({
      status: 'resolved',
      resolvedAt: r.at,
      resolvedBy: r.actorUserId ?? null,
      resolvedByReturnId: r.returnId ?? null,
      resolutionNote: r.note,
    })
    .where('id', '=', r.alertId)
    .where('status', '=', 'open')
    .returning(['locationId', 'caseId', 'title'])
    .executeTakeFirst()
  if (!updated) return false
  await db
    .insertInto('alertEvents')
    .values({
      alertId: r.alertId,
      kind: 'resolved',
      evidence: null,
      note: r.note,
      returnId: r.returnId ?? null,
      actorUserId: r.actorUserId ?? null,
      occurredAt: r.at,
    })
    .execute()
  await db
    .insertInto('caseEvents')
    .values({
      caseId: updated.caseId,
      kind: 'alert_resolved',
      note: `${updated.title}: ${r.note}`,
      details: JSON.stringify({ alertId: r.alertId, returnId: r.returnId ?? null }),
      actorUserId: r.actorUserId ?? null,
      occurredAt: r.at,
    })
    .execute()
  await refreshRag(db, [updated.locationId], r.at)
  return true
}

// Sets each location's RAG to its worst open alert (green with none), in one statement.
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

export const ragOrder: Record<Rag, number> = { red: 0, amber: 1, green: 2 }

// Bulk variants for the full recompute of every location: the same rows and events as the single-row
// functions above, written a few statements at a time whatever the number of alerts. All share one `at`.

export type BulkRaise = Omit<RaiseAlert, 'at' | 'actorUserId'>

// Raises alerts in one statement: a case opened for each location without an open case (with its
// 'opened' event), the alerts with their alert and case events, and the locations' RAG rows worked out
// again. The statement sees the database as it was when it began, so the alerts it adds are counted in
// the RAG alongside those already open. An alert already open for the same location and key (a writer
// got there first) is left alone. A location whose case another transaction opened meanwhile is in
// neither the cases opened nor those seen open: its alerts are raised again by a further statement,
// which sees that case.
export async function raiseAlerts(
  db: DbOrTransaction,
  alerts: readonly BulkRaise[],
  at: Date,
): Promise<number> {
  let raised = 0
  let pending = alerts
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 3) throw new Error('Could not find or open a case for every alert')
    const outcome = await raiseWithCases(db, pending, at)
    raised += outcome.raised
    pending = pending.filter((a) => outcome.withoutCase.has(a.locationId))
  }
  return raised
}

async function raiseWithCases(db: DbOrTransaction, alerts: readonly BulkRaise[], at: Date) {
  const col = <T>(f: (a: BulkRaise) => T) => sql.val(alerts.map(f))
  const { rows } = await sql<{ raised: number; withoutCase: string[] | null }>`
    with input as (
      select * from unnest(
        ${col((a) => a.locationId)}::uuid[], ${col((a) => a.source)}::text[], ${col((a) => a.alertKey)}::text[],
        ${col((a) => a.ruleVersionId ?? null)}::uuid[], ${col((a) => a.severity)}::text[],
        ${col((a) => a.title)}::text[], ${col((a) => a.message)}::text[],
        ${col((a) => JSON.stringify(a.evidence))}::text[], ${col((a) => a.returnId ?? null)}::uuid[]
      ) as t(location_id, source, alert_key, rule_version_id, severity, title, message, evidence, return_id)),
    places as (select distinct location_id as id from input),
    cases_opened as (
      insert into cases (location_id, status, opened_at, updated_at)
      select p.id, 'open', ${at}, ${at} from places p
      where not exists (select 1 from cases c where c.location_id = p.id and c.status <> 'resolved')
      on conflict (location_id) where status <> 'resolved' do nothing
      returning id, location_id),
    open_cases as (
      select id, location_id from cases_opened
      union all
      select id, location_id from cases where status <> 'resolved' and location_id in (select id from places)),
    inserted as (
      insert into alerts (location_id, case_id, source, alert_key, rule_version_id, severity, title, message,
                          evidence, status, raised_at, raised_by_return_id, evidence_updated_at)
      select i.location_id, oc.id, i.source, i.alert_key, i.rule_version_id, i.severity, i.title, i.message,
             i.evidence::jsonb, 'open', ${at}, i.return_id, ${at}
      from input i join open_cases oc on oc.location_id = i.location_id
      on conflict (location_id, alert_key) where status = 'open' do nothing
      returning id, location_id, case_id, source, severity, title, evidence, raised_by_return_id),
    events as (
      insert into alert_events (alert_id, kind, evidence, return_id, occurred_at)
      select id, 'raised', evidence, raised_by_return_id, ${at} from inserted),
    -- A case's 'opened' event before its 'alert_added' ones (the ids follow the order rows are inserted).
    case_events_added as (
      insert into case_events (case_id, kind, note, details, occurred_at)
      select case_id, kind, note, details, ${at} from (
        select id as case_id, 'opened' as kind, null as note, null::jsonb as details, 0 as step, null::uuid as alert_id
        from cases_opened
        union all
        select case_id, 'alert_added', title, jsonb_build_object('alertId', id, 'severity', severity, 'source', source),
               1, id
        from inserted) e
      order by step, case_id, alert_id),
    alerts_open as (
      select id, location_id, severity from alerts
      where status = 'open' and location_id in (select location_id from open_cases)
      union all
      select id, location_id, severity from inserted),
    rag as (
      insert into location_risk (location_id, rag, open_alerts, open_case_id, updated_at)
      select oc.location_id,
             case when bool_or(a.severity = 'red') then 'red'
                  when bool_or(a.severity = 'amber') then 'amber'
                  else 'green' end,
             count(a.id)::int, oc.id, ${at}
      from open_cases oc left join alerts_open a on a.location_id = oc.location_id
      group by oc.location_id, oc.id
      on conflict (location_id) do update
        set rag = excluded.rag, open_alerts = excluded.open_alerts,
            open_case_id = excluded.open_case_id, updated_at = excluded.updated_at)
    select (select count(*)::int from inserted) as raised,
           (select array_agg(p.id::text) from places p
            where not exists (select 1 from open_cases oc where oc.location_id = p.id)) as "withoutCase"`.execute(
    db,
  )
  const row = rows[0]
  return { raised: row?.raised ?? 0, withoutCase: new Set(row?.withoutCase ?? []) }
}

export type BulkUpdate = {
  alertId: string
  severity: Severity
  title: string
  message: string
  ruleVersionId: string | null
  evidence: Record<string, unknown>
  returnId: string | null
}

// New evidence (or severity, wording, rule version) for open alerts, each with an 'evidence_updated' event.
export async function updateAlerts(
  db: DbOrTransaction,
  updates: readonly BulkUpdate[],
  at: Date,
): Promise<number> {
  if (updates.length === 0) return 0
  const col = <T>(f: (u: BulkUpdate) => T) => sql.val(updates.map(f))
  const result = await sql<{ locationId: string }>`
    with input as (
      select * from unnest(
        ${col((u) => u.alertId)}::uuid[], ${col((u) => u.severity)}::text[], ${col((u) => u.title)}::text[],
        ${col((u) => u.message)}::text[], ${col((u) => u.ruleVersionId)}::uuid[],
        ${col((u) => JSON.stringify(u.evidence))}::text[], ${col((u) => u.returnId)}::uuid[]
      ) as t(alert_id, severity, title, message, rule_version_id, evidence, return_id)),
    updated as (
      update alerts a
      set severity = i.severity, title = i.title, message = i.message, rule_version_id = i.rule_version_id,
          evidence = i.evidence::jsonb, evidence_updated_at = ${at}
      from input i
      where a.id = i.alert_id and a.status = 'open'
      returning a.id, a.location_id, a.evidence, i.return_id),
    events as (
      insert into alert_events (alert_id, kind, evidence, return_id, occurred_at)
      select id, 'evidence_updated', evidence, return_id, ${at} from updated)
    select location_id from updated`.execute(db)
  await refreshRag(db, [...new Set(result.rows.map((r) => r.locationId))], at)
  return result.rows.length
}

export type BulkResolve = { alertId: string; note: string; returnId: string | null }

// Resolves open alerts (those already resolved are skipped), with their alert and case events.
export async function resolveAlerts(
  db: DbOrTransaction,
  resolves: readonly BulkResolve[],
  at: Date,
): Promise<number> {
  if (resolves.length === 0) return 0
  const col = <T>(f: (r: BulkResolve) => T) => sql.val(resolves.map(f))
  const result = await sql<{ locationId: string }>`
    with input as (
      select * from unnest(${col((r) => r.alertId)}::uuid[], ${col((r) => r.note)}::text[], ${col((r) => r.returnId)}::uuid[])
        as t(alert_id, note, return_id)),
    resolved as (
      update alerts a
      set status = 'resolved', resolved_at = ${at}, resolved_by = null, resolved_by_return_id = i.return_id,
          resolution_note = i.note
      from input i
      where a.id = i.alert_id and a.status = 'open'
      returning a.id, a.location_id, a.case_id, a.title, i.note, i.return_id),
    events as (
      insert into alert_events (alert_id, kind, note, return_id, occurred_at)
      select id, 'resolved', note, return_id, ${at} from resolved),
    case_events_added as (
      insert into case_events (case_id, kind, note, details, occurred_at)
      select case_id, 'alert_resolved', title || ': ' || note,
             jsonb_build_object('alertId', id, 'returnId', return_id), ${at}
      from resolved)
    select location_id from resolved`.execute(db)
  await refreshRag(db, [...new Set(result.rows.map((r) => r.locationId))], at)
  return result.rows.length
}

// One location's alert changes after its new return, as common table expressions to add to the
// statement that saves the return (so the return and its alerts are written together, in one round
// trip). Each applies only when the CTE `inserted` holds the saved return. The same rows and events as
// resolveAlerts, updateAlerts and raiseAlerts; all of a statement's CTEs see the database as it was
// before it, so the RAG row is worked out from the open alerts less those resolved, with updated
// severities, plus those raised. The case events go in one insert, in the order the separate steps
// would write them. A raise may be skipped, when another writer opened the location's case or raised
// the same alert meanwhile: the `raised` column then falls short of the raises asked for.
export function alertChangesAfterReturn(
  locationId: string,
  changes: { raises: readonly BulkRaise[]; updates: readonly BulkUpdate[]; resolves: readonly BulkResolve[] },
  at: Date,
) {
  const { raises, updates, resolves } = changes
  const col = <T, U>(rows: readonly T[], f: (r: T) => U) => sql.val(rows.map(f))
  const saved = sql`exists (select 1 from inserted)`
  return sql`
    resolve_input as (
      select * from unnest(${col(resolves, (r) => r.alertId)}::uuid[], ${col(resolves, (r) => r.note)}::text[],
                           ${col(resolves, (r) => r.returnId)}::uuid[])
        as t(alert_id, note, return_id)),
    resolved as (
      update alerts a set status = 'resolved', resolved_at = ${at}::timestamptz, resolved_by = null,
             resolved_by_return_id = i.return_id, resolution_note = i.note
      from resolve_input i where a.id = i.alert_id and a.status = 'open' and ${saved}
      returning a.id, a.case_id, a.title, i.note, i.return_id),
    update_input as (
      select * from unnest(${col(updates, (u) => u.alertId)}::uuid[], ${col(updates, (u) => u.severity)}::text[],
                           ${col(updates, (u) => u.title)}::text[], ${col(updates, (u) => u.message)}::text[],
                           ${col(updates, (u) => u.ruleVersionId)}::uuid[],
                           ${col(updates, (u) => JSON.stringify(u.evidence))}::text[],
                           ${col(updates, (u) => u.returnId)}::uuid[])
        as t(alert_id, severity, title, message, rule_version_id, evidence, return_id)),
    updated as (
      update alerts a set severity = i.severity, title = i.title, message = i.message,
             rule_version_id = i.rule_version_id, evidence = i.evidence::jsonb, evidence_updated_at = ${at}::timestamptz
      from update_input i where a.id = i.alert_id and a.status = 'open' and ${saved}
      returning a.id, a.severity, a.evidence, i.return_id),
    raise_input as (
      select * from unnest(${col(raises, (r) => r.alertKey)}::text[], ${col(raises, (r) => r.ruleVersionId ?? null)}::uuid[],
                           ${col(raises, (r) => r.severity)}::text[], ${col(raises, (r) => r.title)}::text[],
                           ${col(raises, (r) => r.message)}::text[], ${col(raises, (r) => JSON.stringify(r.evidence))}::text[],
                           ${col(raises, (r) => r.returnId ?? null)}::uuid[])
        as t(alert_key, rule_version_id, severity, title, message, evidence, return_id)),
    case_opened as (
      insert into cases (location_id, status, opened_at, updated_at)
      select ${locationId}::uuid, 'open', ${at}::timestamptz, ${at}::timestamptz
      where ${saved} and exists (select 1 from raise_input)
        and not exists (select 1 from cases c where c.location_id = ${locationId}::uuid and c.status <> 'resolved')
      on conflict (location_id) where status <> 'resolved' do nothing
      returning id),
    open_case as (
      select id from case_opened
      union all
      select id from cases where location_id = ${locationId}::uuid and status <> 'resolved'),
    raised as (
      insert into alerts (location_id, case_id, source, alert_key, rule_version_id, severity, title, message,
                          evidence, status, raised_at, raised_by_return_id, evidence_updated_at)
      select ${locationId}::uuid, oc.id, 'rule', i.alert_key, i.rule_version_id, i.severity, i.title, i.message,
             i.evidence::jsonb, 'open', ${at}::timestamptz, i.return_id, ${at}::timestamptz
      from raise_input i cross join (select id from open_case limit 1) oc
      where ${saved}
      on conflict (location_id, alert_key) where status = 'open' do nothing
      returning id, case_id, severity, title, evidence, raised_by_return_id as return_id),
    alert_events_added as (
      insert into alert_events (alert_id, kind, evidence, note, return_id, occurred_at)
      select id, 'resolved', null::jsonb, note, return_id, ${at}::timestamptz from resolved
      union all
      select id, 'evidence_updated', evidence, null, return_id, ${at}::timestamptz from updated
      union all
      select id, 'raised', evidence, null, return_id, ${at}::timestamptz from raised),
    case_events_added as (
      insert into case_events (case_id, kind, note, details, occurred_at)
      select case_id, kind, note, details, ${at}::timestamptz from (
        select case_id, 'alert_resolved' as kind, title || ': ' || note as note,
               jsonb_build_object('alertId', id, 'returnId', return_id) as details, 0 as step, id as alert_id
        from resolved
        union all
        select id, 'opened', null, null, 1, null from case_opened
        union all
        select case_id, 'alert_added', title, jsonb_build_object('alertId', id, 'severity', severity, 'source', 'rule'),
               2, id
        from raised) e
      order by step, alert_id),
    rag as (
      insert into location_risk (location_id, rag, open_alerts, open_case_id, updated_at)
      select ${locationId}::uuid,
             case when bool_or(s.severity = 'red') then 'red'
                  when bool_or(s.severity = 'amber') then 'amber'
                  else 'green' end,
             count(s.id)::int, (select id from open_case limit 1), ${at}::timestamptz
      from (select a.id, coalesce(u.severity, a.severity) as severity
              from alerts a left join updated u on u.id = a.id
             where a.location_id = ${locationId}::uuid and a.status = 'open'
               and a.id not in (select id from resolved)
            union all
            select id, severity from raised) s
      having ${saved}
      on conflict (location_id) do update
        set rag = excluded.rag, open_alerts = excluded.open_alerts,
            open_case_id = excluded.open_case_id, updated_at = excluded.updated_at)`
}
