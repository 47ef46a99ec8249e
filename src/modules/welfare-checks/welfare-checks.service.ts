import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  type CancellationForm,
  checkState,
  checksByState,
  contactDeadline,
  isFinal,
  mayGrantWelfare,
  mayWorkWelfare,
  needsInWords,
  type OutcomeForm,
  type PersonForm,
  validateCancellation,
  validateOutcome,
  validatePerson,
} from './domain/welfare.rules.ts'
import { welfareAuditActions as A } from './welfare-checks.audit-actions.ts'
import {
  cancellationList,
  checkFigureRows,
  findCancellation,
  findPerson,
  grantCandidates,
  hasGrant,
  outcomesOf,
  peopleOf,
  recordOutcome,
  welfareOfficers,
} from './welfare-checks.repository.ts'

// Welfare checks' use cases. Every read and write starts with the access check (a council user whose
// role allows welfare work and who holds their council's grant); anyone else gets null, which the
// routes answer with 404. Every view of a welfare page is audited with who and when.
export function createWelfareService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function allowed(actor: Actor): Promise<boolean> {
    if (!mayWorkWelfare(actor, true)) return false
    return hasGrant(db, actor.userId)
  }

  const audit = (
    trx: DbOrTransaction,
    actor: Actor,
    action: (typeof A)[keyof typeof A],
    entityType: string,
    entityId: string | null,
    after?: unknown,
  ) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId: actor.organisationId,
      action,
      entityType,
      entityId,
      after,
      occurredAt: clock.now(),
    })

  // The welfare list: every cancellation with its checks' progress, and the checks by outcome.
  async function list(actor: Actor) {
    if (!(await allowed(actor))) return null
    const cancellations = await cancellationList(db, actor.councilIds)
    const figures = checksByState(
      (await checkFigureRows(db, actor.councilIds)).map((r) => ({
        state: checkState(r),
        outcome: r.outcome,
      })),
    )
    await audit(db, actor, A.welfareListViewed, 'welfare-list', null, { cancellations: cancellations.length })
    return {
      cancellations: cancellations.map((c) => ({
        ...c,
        peopleListed: Number(c.peopleListed),
        checksOpen: Number(c.checksOpen),
        checksEscalated: Number(c.checksEscalated),
      })),
      figures,
    }
  }

  async function cancellation(actor: Actor, id: string, audited = true) {
    if (!isUuid(id) || !(await allowed(actor))) return null
    const found = await findCancellation(db, actor.councilIds, id)
    if (!found) return null
    const people = (await peopleOf(db, id)).map((p) => ({
      ...p,
      state: checkState(p),
      needs: needsInWords(p),
    }))
    const officers = await welfareOfficers(db, [found.councilId])
    if (audited) await audit(db, actor, A.welfareCancellationViewed, 'welfare-cancellation', id)
    return { cancellation: found, people, officers }
  }

  async function check(actor: Actor, id: string, audited = true) {
    if (!isUuid(id) || !(await allowed(actor))) return null
    const person = await findPerson(db, actor.councilIds, id)
    if (!person) return null
    const found = await findCancellation(db, actor.councilIds, person.cancellationId)
    if (!found) return null
    const outcomes = await outcomesOf(db, id)
    if (audited) await audit(db, actor, A.welfareCheckViewed, 'welfare-check', id)
    return {
      person: { ...person, state: checkState(person), needs: needsInWords(person) },
      cancellation: found,
      outcomes,
    }
  }

  // A home-care location of the actor's council whose cancellations an officer records.
  async function locationForCancellation(actor: Actor, locationId: string) {
    if (!isUuid(locationId) || !(await allowed(actor))) return null
    const location = await db
      .selectFrom('locations')
      .select(['id', 'name', 'councilId', 'serviceType'])
      .where('id', '=', locationId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()
    if (location?.serviceType !== 'home_care') return null
    return location
  }

  async function recordCancellation(
    actor: Actor,
    locationId: string,
    form: CancellationForm,
  ): Promise<Outcome<{ id: string }> | null> {
    const location = await locationForCancellation(actor, locationId)
    if (!location) return null
    const checked = validateCancellation(form, londonDate(clock.now()))
    if (!checked.ok) return checked
    const now = clock.now()
    const councilId =
      location.councilId && actor.councilIds.includes(location.councilId)
        ? location.councilId
        : actor.organisationId
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('welfareCancellations')
        .values({
          councilId,
          locationId,
          source: 'officer',
          returnId: null,
          visitsCancelled: checked.value.visitsCancelled,
          cancelledOn: checked.value.cancelledOn,
          recordedBy: actor.userId,
          recordedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(trx, actor, A.welfareCancellationRecorded, 'welfare-cancellation', row.id, checked.value)
      return row.id
    })
    return { ok: true, value: { id } }
  }

  async function addPerson(actor: Actor, cancellationId: string, form: PersonForm) {
    const found = await cancellation(actor, cancellationId, false)
    if (!found) return null
    const checked = validatePerson(form)
    if (!checked.ok) return { ...checked, found }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('welfarePeople')
        .values({
          cancellationId,
          councilId: found.cancellation.councilId,
          ...checked.value,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      // The audit holds the flags, not the person's reference or initials.
      await audit(trx, actor, A.welfarePersonListed, 'welfare-check', row.id, {
        cancellationId,
        livesAlone: checked.value.livesAlone,
        needsMedication: checked.value.needsMedication,
        noFamilyNearby: checked.value.noFamilyNearby,
      })
    })
    return { ok: true as const, found }
  }

  // Assigns the chosen people's checks to an officer holding the grant; each must be contacted by a time
  // set from their needs (domain: contactDeadline).
  async function assign(
    actor: Actor,
    cancellationId: string,
    form: { personIds: string[]; officerId: string },
  ) {
    const found = await cancellation(actor, cancellationId, false)
    if (!found) return null
    const errors: Record<string, string> = {}
    const chosen = found.people.filter((p) => form.personIds.includes(p.id) && !p.finishedAt)
    if (!chosen.length || chosen.length !== form.personIds.length)
      errors.personIds = 'Select the people whose checks you are assigning'
    const officer = found.officers.find((o) => o.id === form.officerId)
    if (!officer) errors.officerId = 'Select the officer who will make the checks'
    if (Object.keys(errors).length) return { ok: false as const, errors, found }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      for (const person of chosen) {
        const contactBy = contactDeadline(now, person)
        await trx
          .updateTable('welfarePeople')
          .set({ assignedTo: officer!.id, assignedAt: now, contactBy, escalatedAt: null })
          .where('id', '=', person.id)
          .execute()
        await audit(trx, actor, A.welfareCheckAssigned, 'welfare-check', person.id, {
          assignedTo: officer!.id,
          contactBy: contactBy.toISOString(),
        })
      }
    })
    return { ok: true as const, found, assigned: chosen.length }
  }

  async function outcome(actor: Actor, personId: string, form: OutcomeForm) {
    const found = await check(actor, personId, false)
    if (!found) return null
    if (found.person.personalDataRemovedAt || found.person.finishedAt)
      return {
        ok: false as const,
        errors: { outcome: 'This check is finished: its outcome cannot change' },
        found,
      }
    const checked = validateOutcome(form, londonDate(clock.now()))
    if (!checked.ok) return { ...checked, found }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await recordOutcome(trx, personId, {
        ...checked.value,
        by: actor.userId,
        now,
        final: isFinal(checked.value.outcome),
      })
      await audit(trx, actor, A.welfareOutcomeRecorded, 'welfare-check', personId, {
        outcome: checked.value.outcome,
        outcomeOn: checked.value.outcomeOn,
      })
    })
    return { ok: true as const, found }
  }

  // The council's grants: its administrator gives and removes them.
  async function grants(actor: Actor) {
    if (!mayGrantWelfare(actor)) return null
    return grantCandidates(db, actor.organisationId)
  }

  async function setGrant(actor: Actor, userId: string, give: boolean) {
    if (!mayGrantWelfare(actor) || !isUuid(userId)) return null
    const candidates = await grantCandidates(db, actor.organisationId)
    const user = candidates.find((c) => c.id === userId)
    if (!user) return null
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      if (give)
        await trx
          .insertInto('welfareGrants')
          .values({ userId, councilId: actor.organisationId, grantedBy: actor.userId, grantedAt: now })
          .onConflict((oc) => oc.column('userId').doNothing())
          .execute()
      else await trx.deleteFrom('welfareGrants').where('userId', '=', userId).execute()
      await audit(trx, actor, give ? A.welfareGrantGiven : A.welfareGrantRemoved, 'user', userId)
    })
    return { name: user.displayName, give }
  }

  // A home-care location's cancellations, for its page (no personal data: counts and dates only).
  async function forLocation(actor: Actor, locationId: string) {
    const location = await locationForCancellation(actor, locationId)
    if (!location) return null
    const cancellations = await db
      .selectFrom('welfareCancellations')
      .select(['id', 'visitsCancelled', 'cancelledOn'])
      .where('locationId', '=', locationId)
      .where('councilId', 'in', actor.councilIds)
      .orderBy('cancelledOn', 'desc')
      .limit(10)
      .execute()
    return { locationId, cancellations }
  }

  // The home page's welfare summary (figures only, so not an audited view).
  async function summary(actor: Actor) {
    if (!(await allowed(actor))) return null
    const rows = await checkFigureRows(db, actor.councilIds)
    const figures = checksByState(rows.map((r) => ({ state: checkState(r), outcome: r.outcome })))
    const open = rows.filter((r) => !r.finishedAt).length
    return { open, escalated: figures.escalated }
  }

  return {
    allowed,
    summary,
    forLocation,
    list,
    cancellation,
    check,
    locationForCancellation,
    recordCancellation,
    addPerson,
    assign,
    outcome,
    grants,
    setGrant,
    today: () => londonDate(clock.now()),
  }
}

export type WelfareService = ReturnType<typeof createWelfareService>
