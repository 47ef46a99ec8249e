import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { type AuditActionName, recordAudit } from '../audit/index.ts'
import { matchPeople, mismatchesFor } from './domain/matching.ts'
import { type RequestForm, validateAvailability, validatePerson } from './domain/staffing.rules.ts'
import { staffingAuditActions as actions } from './emergency-staffing.audit-actions.ts'
import {
  addAvailability,
  budgetsOf,
  candidatesFor,
  insertPerson,
  personEntityType,
  replaceChecks,
  shiftWithRequest,
} from './staffing.repository.ts'
import { deploymentUseCases } from './staffing-deployments.ts'
import { inStaffingTeam } from './staffing-team.service.ts'

// An audit record of the actor's change, for the actor's council, in the given transaction.
export type AuditFor = (
  trx: DbOrTransaction,
  actor: Actor,
  action: AuditActionName,
  entityType: string,
  entityId: string | null,
  after: unknown,
  before?: unknown,
) => Promise<void>

// The staffing pool (personal data: the staffing team only, every view audited), matching people to a
// shift, and deployments against a named budget whose balance is allocation less deployments' costs.
export function createStaffingPoolService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())
  // Every read and write: the actor's role and their membership of the council's staffing team.
  const team = (actor: Actor) => inStaffingTeam(db, actor)

  const audit: AuditFor = (
    trx: DbOrTransaction,
    actor: Actor,
    action: AuditActionName,
    entityType: string,
    entityId: string | null,
    after: unknown,
    before?: unknown,
  ) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId: actor.organisationId,
      action,
      entityType,
      entityId,
      before,
      after,
      occurredAt: clock.now(),
    })

  // The whole pool, with each person's checks and the next days they are free. The view is audited.
  async function list(actor: Actor) {
    if (!(await team(actor))) return null
    const people = await db
      .selectFrom('staffingPoolPeople')
      .select(['id', 'name', 'employer', 'role'])
      .where('councilId', '=', actor.organisationId)
      .where('personalDataRemovedAt', 'is', null)
      .orderBy('name')
      .orderBy('id')
      .execute()
    const ids = people.map((p) => p.id)
    const checks = ids.length
      ? await db
          .selectFrom('staffingPoolChecks')
          .select(['personId', 'kind', 'expiresOn'])
          .where('personId', 'in', ids)
          .execute()
      : []
    const day = today()
    await audit(db, actor, actions.poolViewed, 'staffing-pool', null, { people: people.length })
    return people.map((p) => {
      const own = checks.filter((c) => c.personId === p.id)
      const expired = own.filter((c) => c.expiresOn < day)
      return { ...p, checksHeld: own.length, checksExpired: expired.length }
    })
  }

  async function person(actor: Actor, personId: string, audited = true) {
    if (!isUuid(personId) || !(await team(actor))) return null
    const found = await db
      .selectFrom('staffingPoolPeople')
      .selectAll()
      .where('id', '=', personId)
      .where('councilId', '=', actor.organisationId)
      .executeTakeFirst()
    if (!found) return null
    const [checks, availability, deployments] = await Promise.all([
      db
        .selectFrom('staffingPoolChecks')
        .selectAll()
        .where('personId', '=', personId)
        .orderBy('kind')
        .execute(),
      db
        .selectFrom('staffingPoolAvailability')
        .select('availableOn')
        .where('personId', '=', personId)
        .where('availableOn', '>=', today())
        .orderBy('availableOn')
        .limit(60)
        .execute(),
      db
        .selectFrom('staffingDeployments as d')
        .innerJoin('staffingRequestShifts as s', 's.id', 'd.shiftId')
        .innerJoin('staffingRequests as r', 'r.id', 's.requestId')
        .innerJoin('locations', 'locations.id', 'r.locationId')
        .select([
          'd.id',
          'd.shiftOn',
          'd.status',
          'r.id as requestId',
          'r.reference',
          'locations.name as locationName',
        ])
        .where('d.personId', '=', personId)
        .orderBy('d.shiftOn', 'desc')
        .limit(50)
        .execute(),
    ])
    if (audited)
      await audit(db, actor, actions.poolPersonViewed, personEntityType, personId, { name: found.name })
    return {
      person: found,
      checks,
      availability: availability.map((a) => a.availableOn),
      deployments,
      today: today(),
    }
  }

  async function add(actor: Actor, form: RequestForm): Promise<Outcome<{ id: string }> | null> {
    if (!(await team(actor))) return null
    const checked = validatePerson(form, today())
    if (!checked.ok) return checked
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertPerson(trx, actor.organisationId, checked.value, clock.now())
      await audit(trx, actor, actions.poolPersonAdded, personEntityType, id, checked.value)
      return id
    })
    return { ok: true, value: { id } }
  }

  // Replaces a person's checks: each of the three with its expiry date.
  async function changeChecks(
    actor: Actor,
    personId: string,
    form: RequestForm,
  ): Promise<Outcome<null> | null> {
    const found = await person(actor, personId, false)
    if (!found) return null
    const checked = validatePerson({ ...form, ...fieldsOf(found.person), availableFrom: '' }, today())
    if (!checked.ok) return checked
    await db.transaction().execute(async (trx) => {
      await replaceChecks(trx, personId, checked.value.checks)
      await audit(
        trx,
        actor,
        actions.poolChecksChanged,
        personEntityType,
        personId,
        checked.value.checks,
        found.checks,
      )
    })
    return { ok: true, value: null }
  }

  async function addDates(actor: Actor, personId: string, form: RequestForm): Promise<Outcome<null> | null> {
    if (!(await person(actor, personId, false))) return null
    const checked = validateAvailability(form, today(), true)
    if (!checked.ok) return checked
    await db.transaction().execute(async (trx) => {
      await addAvailability(trx, personId, checked.value)
      await audit(trx, actor, actions.poolAvailabilityAdded, personEntityType, personId, {
        dates: checked.value,
      })
    })
    return { ok: true, value: null }
  }

  // A shift of the actor's council, with the people matching offers for it and the budgets.
  async function matchesFor(actor: Actor, shiftId: string, audited = true) {
    if (!isUuid(shiftId) || !(await team(actor))) return null
    const shift = await shiftWithRequest(db, shiftId)
    if (!shift || shift.councilId !== actor.organisationId) return null
    const pool = await candidatesFor(db, actor.organisationId, [shift])
    const need = { role: shift.role, shifts: [shift] }
    const offered = matchPeople(pool, need)
    const notOffered = pool
      .filter((p) => !offered.includes(p))
      .map((p) => ({ ...p, why: mismatchesFor(p, need) }))
    const deployed = Number(
      (
        await db
          .selectFrom('staffingDeployments')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('shiftId', '=', shiftId)
          .where('status', '<>', 'cancelled')
          .executeTakeFirstOrThrow()
      ).n,
    )
    if (audited)
      await audit(db, actor, actions.poolMatchesViewed, 'staffing-shift', shiftId, {
        offered: offered.map((p) => p.id),
      })
    return {
      shift,
      offered,
      notOffered,
      placesLeft: Math.max(0, shift.peopleNeeded - deployed),
      budgets: await budgetsOf(db, actor.organisationId),
      minutes: shift.endsMinute - shift.startsMinute,
    }
  }

  const deployments = deploymentUseCases({ db, clock, audit, matchesFor, team })

  async function budgets(actor: Actor) {
    return (await team(actor)) ? budgetsOf(db, actor.organisationId) : null
  }

  return { list, person, add, changeChecks, addDates, matchesFor, ...deployments, budgets }
}

// A stored person's own fields as the form posts them, so a change of checks keeps them.
function fieldsOf(p: {
  name: string
  employer: string
  role: string
  skills: string | null
  phone: string | null
}) {
  return { name: p.name, employer: p.employer, role: p.role, skills: p.skills ?? '', phone: p.phone ?? '' }
}

export type StaffingPoolService = ReturnType<typeof createStaffingPoolService>
