import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  mayJoinStaffingTeam,
  mayRequestStaff,
  type RequestForm,
  requestOutcome,
  validateClosing,
  validateRequest,
  weeklyStaffingFigures,
} from './domain/staffing.rules.ts'
import { staffingAuditActions as actions } from './emergency-staffing.audit-actions.ts'
import {
  budgetsOf,
  deploymentsOfRequest,
  insertRequest,
  locationInScope,
  requestEntityType,
  shiftsOf,
  visibleRequests,
} from './staffing.repository.ts'
import { inStaffingTeam } from './staffing-team.service.ts'

// Staffing requests: made by a provider for its own location or by the staffing team for one, read by
// both (a provider never sees who is deployed: the pool is personal data), closed by the team as filled,
// part filled or unfilled with the reason.
export function createStaffingRequestService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())
  // The staffing team sees its council's requests with who is deployed; others only what their scope
  // allows, without names.
  const inTeam = (actor: Actor) => inStaffingTeam(db, actor)

  async function requestFormFor(actor: Actor, locationId: string) {
    if (!mayRequestStaff(actor) || !isUuid(locationId)) return null
    const location = await locationInScope(db, actor, locationId)
    if (!location) return null
    const councilId = (await inTeam(actor)) ? actor.organisationId : location.councilId
    return councilId ? { ...location, councilId } : null
  }

  // Checks a request without saving it (the check-your-answers page), or saves it.
  async function makeRequest(actor: Actor, locationId: string, form: RequestForm, save: boolean) {
    const location = await requestFormFor(actor, locationId)
    if (!location) return null
    const checked = validateRequest(form, today())
    if (!checked.ok || !save) return { location, checked }
    const now = clock.now()
    const saved = await db.transaction().execute(async (trx) => {
      const row = await insertRequest(
        trx,
        { councilId: location.councilId, locationId, requestedByUserId: actor.userId, requestedAt: now },
        checked.value,
      )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: location.councilId,
        action: actions.requestMade,
        entityType: requestEntityType,
        entityId: row.id,
        after: { ...checked.value, locationId, reference: row.reference },
        occurredAt: now,
      })
      return row
    })
    return { location, checked, saved }
  }

  async function list(actor: Actor, filter: { status: string }) {
    if (!mayRequestStaff(actor)) return null
    const team = await inTeam(actor)
    const rows = await visibleRequests(db, actor, team)
      .$if(['open', 'filled', 'part_filled', 'unfilled'].includes(filter.status), (q) =>
        q.where('staffingRequests.status', '=', filter.status as 'open'),
      )
      .orderBy('staffingRequests.requestedAt', 'desc')
      .orderBy('staffingRequests.id')
      .limit(200)
      .execute()
    const shifts = await shiftsOf(
      db,
      rows.map((r) => r.id),
    )
    return rows.map((r) => {
      const own = shifts.filter((s) => s.requestId === r.id)
      return {
        ...r,
        firstShiftOn: own[0]?.shiftOn ?? null,
        placesNeeded: own.reduce((n, s) => n + s.peopleNeeded, 0),
        placesFilled: own.reduce((n, s) => n + Math.min(s.deployed, s.peopleNeeded), 0),
      }
    })
  }

  // A request; for the team with who is deployed, and that view of pool people's names is audited.
  async function get(actor: Actor, requestId: string, audited = true) {
    if (!mayRequestStaff(actor) || !isUuid(requestId)) return null
    const team = await inTeam(actor)
    const request = await visibleRequests(db, actor, team)
      .where('staffingRequests.id', '=', requestId)
      .executeTakeFirst()
    if (!request) return null
    const shifts = await shiftsOf(db, [requestId])
    const deployments = team ? await deploymentsOfRequest(db, requestId) : []
    if (audited && deployments.length)
      await recordAudit(db, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.requestDeploymentsViewed,
        entityType: requestEntityType,
        entityId: requestId,
        after: { people: [...new Set(deployments.map((d) => d.personId))] },
        occurredAt: clock.now(),
      })
    return {
      request,
      shifts: shifts.map((s) => ({
        ...s,
        filled: Math.min(s.deployed, s.peopleNeeded),
        deployments: deployments.filter((d) => d.shiftId === s.id),
      })),
      outcome: requestOutcome(shifts),
      team,
      budgets: team ? await budgetsOf(db, actor.organisationId) : [],
    }
  }

  async function close(actor: Actor, requestId: string, reason: string): Promise<Outcome<null> | null> {
    const found = await get(actor, requestId, false)
    if (!found?.team || found.request.status !== 'open') return null
    const checked = validateClosing(found.outcome, reason)
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('staffingRequests')
        .set({
          status: found.outcome,
          outcomeReason: checked.value,
          closedAt: now,
          closedByUserId: actor.userId,
        })
        .where('id', '=', requestId)
        .where('status', '=', 'open')
        .executeTakeFirst()
      if (Number(changed.numUpdatedRows) === 0) return
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.requestClosed,
        entityType: requestEntityType,
        entityId: requestId,
        before: { status: 'open' },
        after: { status: found.outcome, outcomeReason: checked.value },
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // Requests and hours by week for the council (figures only: no names), for the team and partners.
  async function figures(actor: Actor) {
    if (!mayJoinStaffingTeam(actor)) return null
    const from = addDaysToIsoDate(today(), -7 * 12)
    const [requests, shifts, deployments] = await Promise.all([
      db
        .selectFrom('staffingRequests')
        .select('requestedAt')
        .where('councilId', '=', actor.organisationId)
        .where('requestedAt', '>=', londonInstant(from))
        .execute(),
      db
        .selectFrom('staffingRequestShifts as s')
        .innerJoin('staffingRequests as r', 'r.id', 's.requestId')
        .select(['s.shiftOn', 's.startsMinute', 's.endsMinute', 's.peopleNeeded'])
        .where('r.councilId', '=', actor.organisationId)
        .where('s.shiftOn', '>=', from)
        .execute(),
      db
        .selectFrom('staffingDeployments as d')
        .innerJoin('staffingRequestShifts as s', 's.id', 'd.shiftId')
        .innerJoin('staffingRequests as r', 'r.id', 's.requestId')
        .select(['d.shiftOn', 'd.status', 'd.minutesWorked', 's.startsMinute', 's.endsMinute'])
        .where('r.councilId', '=', actor.organisationId)
        .where('d.shiftOn', '>=', from)
        .where('d.status', '<>', 'cancelled')
        .execute(),
    ])
    return weeklyStaffingFigures(today(), {
      requests: requests.map((r) => ({ requestedOn: londonDate(r.requestedAt) })),
      shifts: shifts.map((s) => ({
        shiftOn: s.shiftOn,
        minutes: s.endsMinute - s.startsMinute,
        peopleNeeded: s.peopleNeeded,
      })),
      deployments: deployments.map((d) => ({
        shiftOn: d.shiftOn,
        minutes: d.status === 'worked' ? d.minutesWorked : d.endsMinute - d.startsMinute,
      })),
    })
  }

  // On a location's page: its open requests and a link to ask for staff.
  async function panelFor(actor: Actor, locationId: string) {
    const location = await requestFormFor(actor, locationId)
    if (!location) return null
    const open = await visibleRequests(db, actor, await inTeam(actor))
      .where('staffingRequests.locationId', '=', locationId)
      .where('staffingRequests.status', '=', 'open')
      .orderBy('staffingRequests.requestedAt', 'desc')
      .limit(10)
      .execute()
    return { locationId, open }
  }

  return { today, inTeam, requestFormFor, makeRequest, list, get, close, figures, panelFor }
}

export type StaffingRequestService = ReturnType<typeof createStaffingRequestService>
