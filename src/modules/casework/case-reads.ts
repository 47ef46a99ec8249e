import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import {
  caseInScope,
  eligibleOrganisations,
  eligiblePeople,
  locationInScope,
  openAlertsOfCases,
  worklistPage,
} from './case.repository.ts'
import {
  actionsAndEventsOfCase,
  alertOfCase,
  alertsOfCase,
  caseHeader,
  caseSummaryRows,
} from './case-page.repository.ts'
import {
  type CaseFacts,
  describeEvidence,
  mayCloseCase,
  mayManageCase,
  mayReadCases,
  mayTakeOwnership,
  mayWorkCases,
} from './domain/casework.rules.ts'
import type { WorklistQuery } from './domain/worklist.rules.ts'

// Casework's reads: the worklist, a case, one of its alerts, and the location page's summary. Every
// read checks the actor's scope: a case is seen only through a location the actor may see, and never
// by a provider.

export type CaseworkDeps = { db: Db; clock: Clock }

// The case, with the facts the rules need, when the actor may see it; null otherwise (a 404).
export async function caseForActor(trx: DbOrTransaction, actor: Actor, caseId: string, forUpdate = false) {
  if (!mayReadCases(actor) || !isUuid(caseId)) return null
  return caseInScope(trx, locationScope(actor), caseId, forUpdate)
}

export async function locationForActor(trx: DbOrTransaction, actor: Actor, locationId: string) {
  if (!mayReadCases(actor) || !isUuid(locationId)) return null
  return locationInScope(trx, locationScope(actor), locationId)
}

// Who the case may be passed to: the organisations serving the location's council (anyone there) and
// their officers, as the form's values and words.
export async function passTargets(trx: DbOrTransaction, actor: Actor, locationId: string) {
  const organisations = await eligibleOrganisations(trx, actor.councilIds, locationId)
  const people = await eligiblePeople(
    trx,
    organisations.map((o) => o.id),
  )
  return [
    ...organisations.map((o) => ({
      value: `organisation:${o.id}`,
      text: `${o.name} (anyone there)`,
      owner: { organisationId: o.id, userId: null },
    })),
    ...people.map((p) => ({
      value: `user:${p.id}`,
      text: `${organisations.find((o) => o.id === p.organisationId)?.name}: ${p.displayName}`,
      owner: { organisationId: p.organisationId, userId: p.id as string | null },
    })),
  ]
}

// The worklist as searched, filtered and ordered, a page of it, and the count behind each filter value.
export async function worklist(
  { db }: CaseworkDeps,
  actor: Actor,
  query: WorklistQuery,
  paging: { page: number; pageSize: number },
) {
  if (!mayReadCases(actor)) return null
  const { counts, rows } = await worklistPage(db, locationScope(actor), actor, query, paging)
  const alerts = await openAlertsOfCases(
    db,
    rows.map((r) => r.id),
  )
  return {
    counts,
    total: counts.show[query.show],
    rows: rows.map((r) => {
      const rank = Number(r.severityRank)
      return {
        ...r,
        latestAlertAt: r.latestAlertAt === null ? null : new Date(r.latestAlertAt),
        nextActionDue: r.nextActionDue === null ? null : String(r.nextActionDue).slice(0, 10),
        severity: rank === 0 ? ('red' as const) : rank === 1 ? ('amber' as const) : null,
        alerts: alerts.filter((a) => a.caseId === r.id),
      }
    }),
  }
}

export async function getCase({ db, clock }: CaseworkDeps, actor: Actor, caseId: string) {
  const found = await caseForActor(db, actor, caseId)
  if (!found) return null
  const { location, risk, owningOrganisation, owner, resolvedBy } = await caseHeader(db, found)
  const { alerts, events: alertEvents } = await alertsOfCase(db, found.id)
  const { actions, events } = await actionsAndEventsOfCase(db, found.id)
  const facts: CaseFacts = found
  const take = mayTakeOwnership(actor, facts)
  const manage = mayManageCase(actor, facts)
  const close = mayCloseCase(actor, facts)
  const targets = manage ? await passTargets(db, actor, found.locationId) : []
  const today = londonDate(clock.now())
  return {
    case: {
      ...found,
      owningOrganisationName: owningOrganisation?.name ?? null,
      ownerName: owner?.displayName ?? null,
      resolvedByName: resolvedBy?.displayName ?? null,
    },
    location,
    rag: found.status === 'resolved' ? null : (risk?.rag ?? 'green'),
    alerts: alerts.map((a) => ({
      ...a,
      evidenceLines: describeEvidence(a.evidence),
      history: alertEvents
        .filter((e) => e.alertId === a.id)
        .map((e) => ({
          ...e,
          evidenceLines: describeEvidence(e.evidence as Record<string, unknown> | null),
        })),
    })),
    openAlertCount: alerts.filter((a) => a.status === 'open').length,
    actions: actions.map((a) => ({
      ...a,
      dueOn: a.dueOn === null ? null : String(a.dueOn).slice(0, 10),
      overdue: a.status === 'open' && a.dueOn !== null && String(a.dueOn).slice(0, 10) < today,
    })),
    events,
    caseAllows: {
      takeOwnership: take.ok,
      manage,
      close: close.ok,
      closeRefusal: close.ok ? null : close.reason,
      recordIntelligence: mayWorkCases(actor) && found.status !== 'resolved',
    },
    passTargets: targets.map(({ value, text }) => ({ value, text })),
  }
}

export async function alertOnCase({ db }: CaseworkDeps, actor: Actor, caseId: string, alertId: string) {
  if (!isUuid(alertId)) return null
  const found = await caseForActor(db, actor, caseId)
  if (!found) return null
  const alert = await alertOfCase(db, found.id, alertId)
  if (!alert) return null
  return { case: found, alert: { ...alert, evidenceLines: describeEvidence(alert.evidence) } }
}

// For the location page: its open case and RAG, when the actor may see cases.
export async function caseSummaryForLocation({ db }: CaseworkDeps, actor: Actor, locationId: string) {
  const location = await locationForActor(db, actor, locationId)
  if (!location) return null
  const { open, risk, closed } = await caseSummaryRows(db, location.id)
  return {
    locationId: location.id,
    closedCases: closed,
    openCase: open ?? null,
    rag: risk?.rag ?? 'green',
    openAlerts: risk?.openAlerts ?? 0,
    mayRecordIntelligence: mayWorkCases(actor),
  }
}

export type LocationCaseSummary = NonNullable<Awaited<ReturnType<typeof caseSummaryForLocation>>>
