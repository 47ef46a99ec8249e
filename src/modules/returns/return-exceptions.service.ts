import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import type { FieldError } from './domain/dataset.ts'
import {
  type CheckedException,
  checkException,
  type ExceptionDraft,
  exceptionInWords,
  exceptionLimits,
  nilReasonLabel,
} from './domain/exceptions.ts'
import { exceptionsOf } from './return-exceptions.repository.ts'
import { returnsAuditActions } from './returns.audit-actions.ts'

// Agreed exceptions: a council's officer gives one of the council's own locations a later deadline or
// an exemption, with a reason, and ends it early if need be. Nothing is deleted or changed but the end.
// Everyone who sees the location (its provider too) sees its exceptions.

export type ExceptionStatus = 'in force' | 'not started' | 'finished' | 'ended'

export function createReturnExceptionsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  const visible = (actor: Actor, locationId: string) =>
    db
      .selectFrom('locations')
      .select(['locations.id', 'locations.name', 'locations.councilId'])
      .where('locations.id', '=', locationId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()

  // Only the location's own council: a council that only contracts with it does not set its deadlines.
  const mayManage = (actor: Actor, location: { councilId: string | null }) =>
    can(actor, 'return-exceptions:manage') &&
    location.councilId !== null &&
    actor.councilIds.includes(location.councilId)

  function statusOf(
    x: { startsOn: string; lastDay: string | null; endedFrom: string | null },
    today: string,
  ): ExceptionStatus {
    if (x.endedFrom && x.endedFrom <= today) return 'ended'
    if (x.startsOn > today) return 'not started'
    if (x.lastDay && x.lastDay < today) return 'finished'
    return 'in force'
  }

  // A location's exceptions, newest first, each in words with where it stands today.
  async function forLocation(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const location = await visible(actor, locationId)
    if (!location) return null
    const today = londonDate(clock.now())
    const exceptions = (await exceptionsOf(db, locationId)).map((x) => ({
      ...x,
      inWords: exceptionInWords(x),
      status: statusOf(x, today),
    }))
    return {
      location,
      exceptions,
      inForce: exceptions.filter((x) => x.status === 'in force' || x.status === 'not started'),
      mayManage: mayManage(actor, location),
    }
  }

  // What a location's page shows: the exceptions in force or to come, and its latest return when that
  // is a nil return (the risk rules that need figures skip it: this is their reason, in words).
  async function panel(actor: Actor, locationId: string) {
    const found = await forLocation(actor, locationId)
    if (!found) return null
    const latest = await db
      .selectFrom('situationReturns')
      .select(['id', 'periodStart', 'nilReturn', 'nilReason', 'nilDetails'])
      .where('locationId', '=', locationId)
      .where('isCurrent', '=', true)
      .orderBy('periodStart', 'desc')
      .limit(1)
      .executeTakeFirst()
    return {
      ...found,
      latestNil: latest?.nilReturn ? { ...latest, reasonInWords: nilReasonLabel(latest.nilReason) } : null,
    }
  }

  // Checks a grant without saving it (the check-your-answers step). Null: not the actor's to grant.
  async function check(
    actor: Actor,
    locationId: string,
    draft: ExceptionDraft,
  ): Promise<{ ok: true; value: CheckedException } | { ok: false; errors: FieldError[] } | null> {
    if (!isUuid(locationId)) return null
    const location = await visible(actor, locationId)
    if (!location || !mayManage(actor, location)) return null
    return checkException(draft, londonDate(clock.now()))
  }

  async function grant(actor: Actor, locationId: string, draft: ExceptionDraft) {
    const checked = await check(actor, locationId, draft)
    if (!checked?.ok) return checked
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('returnExceptions')
        .values({
          locationId,
          kind: checked.value.kind,
          extraHours: checked.value.extraHours,
          startsOn: checked.value.startsOn,
          lastDay: checked.value.lastDay,
          reason: checked.value.reason,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: returnsAuditActions.returnExceptionGranted,
        entityType: 'return-exception',
        entityId: row.id,
        after: row,
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true as const, id }
  }

  // The exception and its location, for the page that ends it; null when not the actor's to end.
  async function toEnd(actor: Actor, exceptionId: string) {
    if (!isUuid(exceptionId)) return null
    const row = await db
      .selectFrom('returnExceptions')
      .selectAll()
      .where('id', '=', exceptionId)
      .executeTakeFirst()
    if (!row) return null
    const location = await visible(actor, row.locationId)
    if (!location || !mayManage(actor, location)) return null
    const today = londonDate(clock.now())
    return { location, exception: { ...row, inWords: exceptionInWords(row), status: statusOf(row, today) } }
  }

  // Ends an exception from today (an exception not started yet never applies): recorded, not deleted.
  async function end(
    actor: Actor,
    exceptionId: string,
    endReason: string,
  ): Promise<{ ok: true; locationId: string } | { ok: false; errors: FieldError[] } | null> {
    const found = await toEnd(actor, exceptionId)
    if (!found) return null
    const reason = endReason.trim()
    const errors: FieldError[] = []
    if (found.exception.status === 'ended' || found.exception.status === 'finished')
      errors.push({ field: 'endReason', message: 'This exception has already ended' })
    else if (!reason) errors.push({ field: 'endReason', message: 'Enter why the exception is ending' })
    else if (reason.length > exceptionLimits.reason)
      errors.push({
        field: 'endReason',
        message: `The reason must be ${exceptionLimits.reason} characters or fewer`,
      })
    if (errors.length) return { ok: false, errors }
    const now = clock.now()
    const today = londonDate(now)
    // From today, or, for one not started yet, from its first day (so it never applies): the later.
    const endedFrom = [found.exception.startsOn, today].sort()[1]!
    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('returnExceptions')
        .set({ endedFrom, endedAt: now, endedBy: actor.userId, endReason: reason })
        .where('id', '=', exceptionId)
        // Ended once only: a second officer ending it meanwhile changes nothing.
        .where('endedAt', 'is', null)
        .returningAll()
        .executeTakeFirst()
      if (!row) return false
      const { inWords: _, status: __, ...before } = found.exception
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: returnsAuditActions.returnExceptionEnded,
        entityType: 'return-exception',
        entityId: exceptionId,
        before,
        after: row,
        occurredAt: now,
      })
      return true
    })
    if (!done)
      return { ok: false, errors: [{ field: 'endReason', message: 'This exception has already ended' }] }
    return { ok: true, locationId: found.location.id }
  }

  return { forLocation, panel, check, grant, toEnd, end }
}

export type ReturnExceptionsService = ReturnType<typeof createReturnExceptionsService>
