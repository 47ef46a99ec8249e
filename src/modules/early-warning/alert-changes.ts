import { type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { AlertSource, Severity } from '../../db/schema.ts'

// The one way alerts are raised, updated and resolved, whatever asks: the risk rules for a whole market
// or for the return being saved, the capacity tracker, an officer. A set of changes is written in one
// statement: every alert with its event, a case opened for each location without an open one (its
// 'opened' event before its 'alert_added' ones), and each location's RAG row worked out again as its
// worst open alert. All of a statement's parts see the database as it was before it, so the RAG is the
// open alerts less those resolved, with updated severities, plus those raised.

export type AlertRaise = {
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
}

// New evidence (or severity, wording, rule version) for an open alert.
export type AlertUpdate = {
  alertId: string
  severity: Severity
  title: string
  message: string
  ruleVersionId: string | null
  evidence: Record<string, unknown>
  returnId: string | null
}

// Said on the alert: the officer's note, or which return cleared the condition.
export type AlertResolve = { alertId: string; note: string; returnId: string | null }

export type AlertChanges = {
  raises?: readonly AlertRaise[]
  updates?: readonly AlertUpdate[]
  resolves?: readonly AlertResolve[]
}

export type ChangeOptions = {
  // Who made the change (null: CareHub itself, from a return, a rule or an import).
  actorUserId?: string | null
  // For a caller's own statement: the changes apply only when this holds (the return was saved).
  when?: RawBuilder<unknown>
  // Answer each raised alert's id, case and whether its case was opened (a few alerts, not a market's).
  withRaisedAlerts?: boolean
}

// The changes as common table expressions for a statement: resolve_input, resolved, update_input,
// updated, raise_input, places, cases_opened, open_cases, raised, alert_events_added,
// case_events_added, changed and rag. `raised` holds the alerts raised: an alert already open for the
// same location and key is left alone, and so are the alerts of a location whose case another writer
// opened meanwhile (neither opened here nor seen open: a further statement raises them).
export function alertChangesStatement(changes: AlertChanges, at: Date, options: ChangeOptions = {}) {
  const { raises = [], updates = [], resolves = [] } = changes
  const col = <T, U>(rows: readonly T[], f: (r: T) => U) => sql.val(rows.map(f))
  const actor = sql`${options.actorUserId ?? null}::uuid`
  const now = sql`${at}::timestamptz`
  const when = options.when ?? sql`true`
  return sql`
    resolve_input as (
      select * from unnest(${col(resolves, (r) => r.alertId)}::uuid[], ${col(resolves, (r) => r.note)}::text[],
                           ${col(resolves, (r) => r.returnId)}::uuid[])
        as t(alert_id, note, return_id)),
    resolved as (
      update alerts a set status = 'resolved', resolved_at = ${now}, resolved_by = ${actor},
             resolved_by_return_id = i.return_id, resolution_note = i.note
      from resolve_input i where a.id = i.alert_id and a.status = 'open' and ${when}
      returning a.id, a.location_id, a.case_id, a.title, i.note, i.return_id),
    update_input as (
      select * from unnest(${col(updates, (u) => u.alertId)}::uuid[], ${col(updates, (u) => u.severity)}::text[],
                           ${col(updates, (u) => u.title)}::text[], ${col(updates, (u) => u.message)}::text[],
                           ${col(updates, (u) => u.ruleVersionId)}::uuid[],
                           ${col(updates, (u) => JSON.stringify(u.evidence))}::text[],
                           ${col(updates, (u) => u.returnId)}::uuid[])
        as t(alert_id, severity, title, message, rule_version_id, evidence, return_id)),
    updated as (
      update alerts a set severity = i.severity, title = i.title, message = i.message,
             rule_version_id = i.rule_version_id, evidence = i.evidence::jsonb, evidence_updated_at = ${now}
      from update_input i where a.id = i.alert_id and a.status = 'open' and ${when}
      returning a.id, a.location_id, a.severity, a.evidence, i.return_id),
    raise_input as (
      select * from unnest(
        ${col(raises, (r) => r.locationId)}::uuid[], ${col(raises, (r) => r.source)}::text[],
        ${col(raises, (r) => r.alertKey)}::text[], ${col(raises, (r) => r.ruleVersionId ?? null)}::uuid[],
        ${col(raises, (r) => r.severity)}::text[], ${col(raises, (r) => r.title)}::text[],
        ${col(raises, (r) => r.message)}::text[], ${col(raises, (r) => JSON.stringify(r.evidence))}::text[],
        ${col(raises, (r) => r.returnId ?? null)}::uuid[]
      ) as t(location_id, source, alert_key, rule_version_id, severity, title, message, evidence, return_id)),
    places as (select distinct location_id as id from raise_input),
    cases_opened as (
      insert into cases (location_id, status, opened_at, updated_at)
      select p.id, 'open', ${now}, ${now} from places p
      where ${when} and not exists (select 1 from cases c where c.location_id = p.id and c.status <> 'resolved')
      on conflict (location_id) where status <> 'resolved' do nothing
      returning id, location_id),
    open_cases as (
      select id, location_id from cases_opened
      union all
      select id, location_id from cases where status <> 'resolved' and location_id in (select id from places)),
    raised as (
      insert into alerts (location_id, case_id, source, alert_key, rule_version_id, severity, title, message,
                          evidence, status, raised_at, raised_by, raised_by_return_id, evidence_updated_at)
      select i.location_id, oc.id, i.source, i.alert_key, i.rule_version_id, i.severity, i.title, i.message,
             i.evidence::jsonb, 'open', ${now}, ${actor}, i.return_id, ${now}
      from raise_input i join open_cases oc on oc.location_id = i.location_id
      where ${when}
      on conflict (location_id, alert_key) where status = 'open' do nothing
      returning id, location_id, alert_key, case_id, source, severity, title, evidence, raised_by_return_id as return_id),
    alert_events_added as (
      insert into alert_events (alert_id, kind, evidence, note, return_id, actor_user_id, occurred_at)
      select id, 'resolved', null::jsonb, note, return_id, ${actor}, ${now} from resolved
      union all
      select id, 'evidence_updated', evidence, null, return_id, ${actor}, ${now} from updated
      union all
      select id, 'raised', evidence, null, return_id, ${actor}, ${now} from raised),
    -- In the order separate steps would write them (the ids follow the order rows are inserted): a
    -- case's resolutions, then its opening, then the alerts added to it.
    case_events_added as (
      insert into case_events (case_id, kind, note, details, actor_user_id, occurred_at)
      select case_id, kind, note, details, ${actor}, ${now} from (
        select case_id, 'alert_resolved' as kind, title || ': ' || note as note,
               jsonb_build_object('alertId', id, 'returnId', return_id) as details, 0 as step, id as alert_id
        from resolved
        union all
        select id, 'opened', null, null::jsonb, 1, null::uuid from cases_opened
        union all
        select case_id, 'alert_added', title, jsonb_build_object('alertId', id, 'severity', severity, 'source', source),
               2, id
        from raised) e
      order by step, case_id, alert_id),
    changed as (
      select location_id from resolved
      union
      select location_id from updated
      union
      select location_id from open_cases),
    rag as (
      insert into location_risk (location_id, rag, open_alerts, open_case_id, updated_at)
      select c.location_id,
             case when bool_or(s.severity = 'red') then 'red'
                  when bool_or(s.severity = 'amber') then 'amber'
                  else 'green' end,
             count(s.id)::int,
             coalesce(oc.id, (select k.id from cases k where k.location_id = c.location_id and k.status <> 'resolved')),
             ${now}
      from changed c
      -- Joined, not looked up per location: a subquery scanned the whole of open_cases for each changed
      -- location (8,000 of each in one risk-queue batch at the morning peak: 64 million rows).
      left join (select distinct on (location_id) location_id, id from open_cases order by location_id, id) oc
        on oc.location_id = c.location_id
      left join (
        select a.id, a.location_id, coalesce(u.severity, a.severity) as severity
          from alerts a left join updated u on u.id = a.id
         where a.status = 'open' and a.location_id in (select location_id from changed)
           and a.id not in (select id from resolved)
        union all
        select id, location_id, severity from raised) s on s.location_id = c.location_id
      where ${when}
      group by c.location_id, oc.id
      on conflict (location_id) do update
        set rag = excluded.rag, open_alerts = excluded.open_alerts,
            open_case_id = excluded.open_case_id, updated_at = excluded.updated_at)`
}

export type RaisedAlert = {
  alertId: string
  locationId: string
  alertKey: string
  caseId: string
  caseOpened: boolean
}

export type AppliedChanges = {
  raised: number
  updated: number
  resolved: number
  raisedAlerts: RaisedAlert[]
}

const nothingToDo = (c: AlertChanges) => !c.raises?.length && !c.updates?.length && !c.resolves?.length

// Applies a set of changes in one statement (in the caller's transaction; authorisation is the
// caller's job). Raises left out because another writer opened the location's case meanwhile are raised
// by a further statement, which sees that case; those another writer raised are left alone.
export async function applyAlertChanges(
  db: DbOrTransaction,
  changes: AlertChanges,
  at: Date,
  options: Omit<ChangeOptions, 'when'> = {},
): Promise<AppliedChanges> {
  const total: AppliedChanges = { raised: 0, updated: 0, resolved: 0, raisedAlerts: [] }
  let pending = changes
  for (let attempt = 0; !nothingToDo(pending); attempt++) {
    if (attempt === 3) throw new Error('Could not find or open a case for every alert')
    const { rows } = await sql<{
      raised: number
      updated: number
      resolved: number
      raisedAlerts: RaisedAlert[] | null
      withoutCase: string[] | null
    }>`
      with ${alertChangesStatement(pending, at, options)}
      select (select count(*)::int from raised) as raised,
             (select count(*)::int from updated) as updated,
             (select count(*)::int from resolved) as resolved,
             ${
               options.withRaisedAlerts
                 ? sql`(select json_agg(json_build_object('alertId', r.id, 'locationId', r.location_id,
                          'alertKey', r.alert_key, 'caseId', r.case_id,
                          'caseOpened', r.case_id in (select id from cases_opened))) from raised r)`
                 : sql`null::json`
             } as "raisedAlerts",
             (select array_agg(p.id::text) from places p
               where not exists (select 1 from open_cases oc where oc.location_id = p.id)) as "withoutCase"`.execute(
      db,
    )
    const row = rows[0]
    total.raised += row?.raised ?? 0
    total.updated += row?.updated ?? 0
    total.resolved += row?.resolved ?? 0
    total.raisedAlerts.push(...(row?.raisedAlerts ?? []))
    const withoutCase = new Set(row?.withoutCase ?? [])
    pending = { raises: (pending.raises ?? []).filter((r) => withoutCase.has(r.locationId)) }
  }
  return total
}
