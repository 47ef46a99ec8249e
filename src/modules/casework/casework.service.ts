import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { CaseStatus } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import {
  type ActionInput,
  actionProblems,
  type CaseFacts,
  closeProblems,
  describeEvidence,
  type IntelligenceInput,
  intelligenceProblems,
  mayCloseCase,
  mayManageCase,
  mayReadCases,
  mayTakeOwnership,
  mayWorkCases,
  nextStatus,
  type WorklistFilter,
} from '../../domain/casework/casework.rules.ts'
import type { Clock } from '../../domain/clock.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { type FieldErrors, isUuid, type Outcome } from '../access/users.service.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { raiseAlert, refreshRag, resolveAlert } from '../early-warning/alert-store.ts'

const workingRoles = ['admin', 'council_officer', 'partner_officer'] as const

// The London calendar date of an instant, for due dates.
const isoDayInLondon = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })

export function londonDate(at: Date): string {
  return isoDayInLondon.format(at)
}

// Casework: the officer worklist, a location's case (ownership, actions, alerts resolved by hand,
// closing) and intelligence from partners. Every read and write checks the actor's scope: a case is
// seen only through a location the actor may see, and never by a provider.
export function createCaseworkService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The case, with the facts the rules need, when the actor may see it; null otherwise (a 404).
  async function visibleCase(trx: DbOrTransaction, actor: Actor, caseId: string, forUpdate = false) {
    if (!mayReadCases(actor) || !isUuid(caseId)) return null
    let query = trx
      .selectFrom('cases')
      .innerJoin('locations', 'locations.id', 'cases.locationId')
      .select([
        'cases.id',
        'cases.locationId',
        'cases.status',
        'cases.owningOrganisationId',
        'cases.ownerUserId',
        'cases.openedAt',
        'cases.resolvedAt',
        'cases.resolvedBy',
        'cases.resolutionNote',
        'locations.name as locationName',
        'locations.councilId as locationCouncilId',
      ])
      .where('cases.id', '=', caseId)
      .where(locationVisible(locationScope(actor)))
    if (forUpdate) query = query.forUpdate('cases')
    return (await query.executeTakeFirst()) ?? null
  }

  async function visibleLocation(trx: DbOrTransaction, actor: Actor, locationId: string) {
    if (!mayReadCases(actor) || !isUuid(locationId)) return null
    return (
      (await trx
        .selectFrom('locations')
        .select(['id', 'name', 'councilId'])
        .where('id', '=', locationId)
        .where(locationVisible(locationScope(actor)))
        .executeTakeFirst()) ?? null
    )
  }

  // Organisations that may own a case at this location: the councils whose market it is (among the
  // actor's) and the partners serving them.
  async function eligibleOrganisations(trx: DbOrTransaction, actor: Actor, locationId: string) {
    const contracts = await trx
      .selectFrom('councilContracts')
      .select('councilId')
      .where('locationId', '=', locationId)
      .execute()
    const location = await trx
      .selectFrom('locations')
      .select('councilId')
      .where('id', '=', locationId)
      .executeTakeFirstOrThrow()
    const councils = [location.councilId, ...contracts.map((c) => c.councilId)].filter(
      (id): id is string => id !== null && actor.councilIds.includes(id),
    )
    if (councils.length === 0) return []
    return trx
      .selectFrom('organisations')
      .select(['id', 'name', 'kind'])
      .where((eb) =>
        eb.or([
          eb('id', 'in', councils),
          eb.exists(
            eb
              .selectFrom('partnerCouncils')
              .select(sql`1`.as('one'))
              .whereRef('partnerCouncils.partnerId', '=', 'organisations.id')
              .where('partnerCouncils.councilId', 'in', councils),
          ),
        ]),
      )
      .where('kind', 'not in', ['provider', 'region', 'healthwatch'])
      .orderBy(sql`kind = 'council'`, 'desc')
      .orderBy('name')
      .execute()
  }

  async function eligiblePeople(trx: DbOrTransaction, organisationIds: string[]) {
    if (organisationIds.length === 0) return []
    return trx
      .selectFrom('users')
      .select(['id', 'displayName', 'organisationId'])
      .where('organisationId', 'in', organisationIds)
      .where('status', '=', 'active')
      .where('role', 'in', workingRoles)
      .orderBy('displayName')
      .execute()
  }

  // ---- the worklist ----

  async function worklist(actor: Actor, options: { filter: WorklistFilter; page: number; pageSize: number }) {
    if (!mayReadCases(actor)) return null
    const worstRank = sql<number>`coalesce((select min(case when a.severity = 'red' then 0 else 1 end)
      from alerts a where a.case_id = cases.id and a.status = 'open'), 2)`
    const base = db
      .selectFrom('cases')
      .innerJoin('locations', 'locations.id', 'cases.locationId')
      .where('cases.status', '<>', 'resolved')
      .where(locationVisible(locationScope(actor)))
    const counts = await base
      .select((eb) => [
        eb.fn.countAll<string>().as('all'),
        eb.fn.countAll<string>().filterWhere('cases.ownerUserId', '=', actor.userId).as('mine'),
        eb.fn
          .countAll<string>()
          .filterWhere('cases.owningOrganisationId', '=', actor.organisationId)
          .as('organisation'),
        eb.fn.countAll<string>().filterWhere('cases.owningOrganisationId', 'is', null).as('unowned'),
      ])
      .executeTakeFirstOrThrow()
    let filtered = base
    if (options.filter === 'mine') filtered = filtered.where('cases.ownerUserId', '=', actor.userId)
    if (options.filter === 'organisation')
      filtered = filtered.where('cases.owningOrganisationId', '=', actor.organisationId)
    if (options.filter === 'unowned') filtered = filtered.where('cases.owningOrganisationId', 'is', null)
    const rows = await filtered
      .leftJoin('locationRisk', 'locationRisk.locationId', 'cases.locationId')
      .leftJoin('organisations as owningOrganisation', 'owningOrganisation.id', 'cases.owningOrganisationId')
      .leftJoin('users as owner', 'owner.id', 'cases.ownerUserId')
      .select([
        'cases.id',
        'cases.status',
        'cases.openedAt',
        'cases.locationId',
        'locations.name as locationName',
        'locationRisk.rag',
        'owningOrganisation.name as owningOrganisationName',
        'owner.displayName as ownerName',
        worstRank.as('severityRank'),
        sql<string | null>`(select min(ca.due_on) from case_actions ca
          where ca.case_id = cases.id and ca.status = 'open')`.as('nextActionDue'),
      ])
      .orderBy(worstRank)
      .orderBy('cases.openedAt')
      .orderBy('cases.id')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute()
    const alerts = rows.length
      ? await db
          .selectFrom('alerts')
          .select(['caseId', 'title', 'severity'])
          .where(
            'caseId',
            'in',
            rows.map((r) => r.id),
          )
          .where('status', '=', 'open')
          .orderBy('severity', 'desc')
          .orderBy('raisedAt')
          .execute()
      : []
    const total = Number(counts[options.filter])
    return {
      counts: {
        all: Number(counts.all),
        mine: Number(counts.mine),
        organisation: Number(counts.organisation),
        unowned: Number(counts.unowned),
      },
      total,
      rows: rows.map((r) => {
        const rank = Number(r.severityRank)
        return {
          ...r,
          nextActionDue: r.nextActionDue === null ? null : String(r.nextActionDue).slice(0, 10),
          severity: rank === 0 ? ('red' as const) : rank === 1 ? ('amber' as const) : null,
          alerts: alerts.filter((a) => a.caseId === r.id),
        }
      }),
    }
  }

  // ---- one case ----

  async function getCase(actor: Actor, caseId: string) {
    const found = await visibleCase(db, actor, caseId)
    if (!found) return null
    const [location, risk, owningOrganisation, owner, resolvedBy] = await Promise.all([
      db
        .selectFrom('locations')
        .innerJoin('providers', 'providers.id', 'locations.providerId')
        .select([
          'locations.id',
          'locations.name',
          'locations.town',
          'locations.postcode',
          'locations.serviceType',
          'providers.name as providerName',
        ])
        .where('locations.id', '=', found.locationId)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('locationRisk')
        .select(['rag', 'openCaseId'])
        .where('locationId', '=', found.locationId)
        .executeTakeFirst(),
      found.owningOrganisationId
        ? db
            .selectFrom('organisations')
            .select('name')
            .where('id', '=', found.owningOrganisationId)
            .executeTakeFirst()
        : undefined,
      found.ownerUserId
        ? db.selectFrom('users').select('displayName').where('id', '=', found.ownerUserId).executeTakeFirst()
        : undefined,
      found.resolvedBy
        ? db.selectFrom('users').select('displayName').where('id', '=', found.resolvedBy).executeTakeFirst()
        : undefined,
    ])
    const alerts = await db
      .selectFrom('alerts')
      .leftJoin('users as resolver', 'resolver.id', 'alerts.resolvedBy')
      .select([
        'alerts.id',
        'alerts.source',
        'alerts.severity',
        'alerts.title',
        'alerts.message',
        'alerts.evidence',
        'alerts.status',
        'alerts.raisedAt',
        'alerts.resolvedAt',
        'alerts.resolutionNote',
        'resolver.displayName as resolvedByName',
      ])
      .where('alerts.caseId', '=', found.id)
      .orderBy(sql`alerts.status = 'open'`, 'desc')
      .orderBy('alerts.severity', 'desc')
      .orderBy('alerts.raisedAt')
      .execute()
    const alertEvents = alerts.length
      ? await db
          .selectFrom('alertEvents')
          .leftJoin('users', 'users.id', 'alertEvents.actorUserId')
          .select([
            'alertEvents.alertId',
            'alertEvents.kind',
            'alertEvents.evidence',
            'alertEvents.note',
            'alertEvents.returnId',
            'alertEvents.occurredAt',
            'users.displayName as actorName',
          ])
          .where(
            'alertEvents.alertId',
            'in',
            alerts.map((a) => a.id),
          )
          .orderBy('alertEvents.id')
          .execute()
      : []
    const actions = await db
      .selectFrom('caseActions')
      .leftJoin('users as creator', 'creator.id', 'caseActions.createdBy')
      .leftJoin('users as completer', 'completer.id', 'caseActions.completedBy')
      .select([
        'caseActions.id',
        'caseActions.description',
        'caseActions.dueOn',
        'caseActions.status',
        'caseActions.createdAt',
        'caseActions.completedAt',
        'creator.displayName as createdByName',
        'completer.displayName as completedByName',
      ])
      .where('caseActions.caseId', '=', found.id)
      .orderBy(sql`case_actions.status = 'open'`, 'desc')
      .orderBy('caseActions.dueOn')
      .orderBy('caseActions.createdAt')
      .execute()
    const events = await db
      .selectFrom('caseEvents')
      .leftJoin('users', 'users.id', 'caseEvents.actorUserId')
      .select([
        'caseEvents.id',
        'caseEvents.kind',
        'caseEvents.note',
        'caseEvents.occurredAt',
        'users.displayName as actorName',
      ])
      .where('caseEvents.caseId', '=', found.id)
      .orderBy('caseEvents.id', 'desc')
      .execute()
    const facts: CaseFacts = found
    const take = mayTakeOwnership(actor, facts)
    const manage = mayManageCase(actor, facts)
    const close = mayCloseCase(actor, facts)
    const organisations = manage ? await eligibleOrganisations(db, actor, found.locationId) : []
    const people = manage
      ? await eligiblePeople(
          db,
          organisations.map((o) => o.id),
        )
      : []
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
      may: {
        takeOwnership: take.ok,
        manage,
        close: close.ok,
        closeRefusal: close.ok ? null : close.reason,
        recordIntelligence: mayWorkCases(actor) && found.status !== 'resolved',
      },
      passTargets: [
        ...organisations.map((o) => ({ value: `organisation:${o.id}`, text: `${o.name} (anyone there)` })),
        ...people.map((p) => ({
          value: `user:${p.id}`,
          text: `${organisations.find((o) => o.id === p.organisationId)?.name}: ${p.displayName}`,
        })),
      ],
    }
  }

  type WriteOutcome = Outcome<null> | null

  async function changeOwner(
    actor: Actor,
    caseId: string,
    target: { organisationId: string; userId: string | null },
    kind: 'ownership_taken' | 'passed',
  ): Promise<WriteOutcome> {
    return db.transaction().execute(async (trx) => {
      const found = await visibleCase(trx, actor, caseId, true)
      if (!found) return null
      // Checked again on the locked row: someone else may have taken or passed it a moment ago.
      const field = kind === 'ownership_taken' ? 'takeOwnership' : 'passTo'
      if (kind === 'ownership_taken') {
        const allowed = mayTakeOwnership(actor, found)
        if (!allowed.ok) return { ok: false as const, errors: { [field]: allowed.reason } }
      } else if (!mayManageCase(actor, found))
        return {
          ok: false as const,
          errors: { [field]: 'Only the owning organisation or the council can pass this case on' },
        }
      const now = clock.now()
      const status: CaseStatus = nextStatus(found.status, kind)
      await trx
        .updateTable('cases')
        .set({
          owningOrganisationId: target.organisationId,
          ownerUserId: target.userId,
          status,
          updatedAt: now,
        })
        .where('id', '=', found.id)
        .execute()
      const [organisation, person] = await Promise.all([
        trx
          .selectFrom('organisations')
          .select('name')
          .where('id', '=', target.organisationId)
          .executeTakeFirstOrThrow(),
        target.userId
          ? trx.selectFrom('users').select('displayName').where('id', '=', target.userId).executeTakeFirst()
          : undefined,
      ])
      const to = person ? `${person.displayName}, ${organisation.name}` : organisation.name
      await trx
        .insertInto('caseEvents')
        .values({
          caseId: found.id,
          kind,
          note: kind === 'ownership_taken' ? `Ownership taken by ${to}` : `Passed to ${to}`,
          details: JSON.stringify({
            from: { organisationId: found.owningOrganisationId, userId: found.ownerUserId },
            to: target,
          }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: kind === 'ownership_taken' ? AuditAction.caseOwnershipTaken : AuditAction.casePassed,
        entityType: 'case',
        entityId: found.id,
        before: {
          status: found.status,
          owningOrganisationId: found.owningOrganisationId,
          ownerUserId: found.ownerUserId,
        },
        after: { status, owningOrganisationId: target.organisationId, ownerUserId: target.userId },
        occurredAt: now,
      })
      return { ok: true as const, value: null }
    })
  }

  // Take ownership: the case becomes the actor's organisation's, with the actor as its owner.
  async function takeOwnership(actor: Actor, caseId: string): Promise<WriteOutcome> {
    const found = await visibleCase(db, actor, caseId)
    if (!found) return null
    const allowed = mayTakeOwnership(actor, found)
    if (!allowed.ok) return { ok: false, errors: { takeOwnership: allowed.reason } }
    return changeOwner(
      actor,
      caseId,
      { organisationId: actor.organisationId, userId: actor.userId },
      'ownership_taken',
    )
  }

  // Pass the case to an organisation serving the location's council, or to a person in one.
  async function passCase(actor: Actor, caseId: string, passTo: string): Promise<WriteOutcome> {
    const found = await visibleCase(db, actor, caseId)
    if (!found) return null
    if (!mayManageCase(actor, found))
      return {
        ok: false,
        errors: { passTo: 'Only the owning organisation or the council can pass this case on' },
      }
    const organisations = await eligibleOrganisations(db, actor, found.locationId)
    const [kind, id] = passTo.split(':')
    let target: { organisationId: string; userId: string | null } | null = null
    if (kind === 'organisation' && organisations.some((o) => o.id === id))
      target = { organisationId: id!, userId: null }
    if (kind === 'user' && id) {
      const person = (
        await eligiblePeople(
          db,
          organisations.map((o) => o.id),
        )
      ).find((p) => p.id === id)
      if (person) target = { organisationId: person.organisationId, userId: person.id }
    }
    if (!target) return { ok: false, errors: { passTo: 'Select who to pass the case to' } }
    if (target.organisationId === found.owningOrganisationId && target.userId === found.ownerUserId)
      return { ok: false, errors: { passTo: 'The case is already theirs: select someone else' } }
    return changeOwner(actor, caseId, target, 'passed')
  }

  async function addAction(actor: Actor, caseId: string, input: ActionInput): Promise<WriteOutcome> {
    const found = await visibleCase(db, actor, caseId)
    if (!found) return null
    if (!mayManageCase(actor, found))
      return {
        ok: false,
        errors: { description: 'Only the owning organisation or the council can add actions' },
      }
    const errors = actionProblems(input, londonDate(clock.now()))
    if (Object.keys(errors).length) return { ok: false, errors }
    await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const action = await trx
        .insertInto('caseActions')
        .values({
          caseId: found.id,
          description: input.description.trim(),
          dueOn: input.dueOn.trim(),
          ownerUserId: null,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('caseEvents')
        .values({
          caseId: found.id,
          kind: 'action_added',
          note: `${action.description} (due ${String(action.dueOn).slice(0, 10)})`,
          details: JSON.stringify({ actionId: action.id }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
      await trx.updateTable('cases').set({ updatedAt: now }).where('id', '=', found.id).execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.caseActionAdded,
        entityType: 'case',
        entityId: found.id,
        after: action,
        occurredAt: now,
      })
    })
    return { ok: true, value: null }
  }

  // Marks an action done; the case's status moves to "action taken".
  async function completeAction(actor: Actor, caseId: string, actionId: string): Promise<WriteOutcome> {
    if (!isUuid(actionId)) return null
    return db.transaction().execute(async (trx) => {
      const found = await visibleCase(trx, actor, caseId, true)
      if (!found) return null
      const action = await trx
        .selectFrom('caseActions')
        .selectAll()
        .where('id', '=', actionId)
        .where('caseId', '=', found.id)
        .executeTakeFirst()
      if (!action) return null
      if (!mayManageCase(actor, found))
        return {
          ok: false as const,
          errors: { actions: 'Only the owning organisation or the council can do that' },
        }
      if (action.status === 'done')
        return { ok: false as const, errors: { actions: 'That action is already done' } }
      const now = clock.now()
      await trx
        .updateTable('caseActions')
        .set({ status: 'done', completedBy: actor.userId, completedAt: now })
        .where('id', '=', action.id)
        .execute()
      const status = nextStatus(found.status, 'action_done')
      await trx.updateTable('cases').set({ status, updatedAt: now }).where('id', '=', found.id).execute()
      await trx
        .insertInto('caseEvents')
        .values({
          caseId: found.id,
          kind: 'action_done',
          note: action.description,
          details: JSON.stringify({ actionId: action.id }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.caseActionDone,
        entityType: 'case',
        entityId: found.id,
        before: { actionId: action.id, status: 'open', caseStatus: found.status },
        after: { actionId: action.id, status: 'done', caseStatus: status },
        occurredAt: now,
      })
      return { ok: true as const, value: null }
    })
  }

  async function alertOnCase(actor: Actor, caseId: string, alertId: string) {
    if (!isUuid(alertId)) return null
    const found = await visibleCase(db, actor, caseId)
    if (!found) return null
    const alert = await db
      .selectFrom('alerts')
      .select(['id', 'title', 'severity', 'status', 'message', 'evidence'])
      .where('id', '=', alertId)
      .where('caseId', '=', found.id)
      .executeTakeFirst()
    if (!alert) return null
    return { case: found, alert: { ...alert, evidenceLines: describeEvidence(alert.evidence) } }
  }

  // An officer resolves one alert by hand; the note is required and kept on the alert's history.
  async function resolveAlertByHand(
    actor: Actor,
    caseId: string,
    alertId: string,
    note: string,
  ): Promise<WriteOutcome> {
    const found = await alertOnCase(actor, caseId, alertId)
    if (!found) return null
    if (!mayManageCase(actor, found.case))
      return {
        ok: false,
        errors: { note: 'Only the owning organisation or the council can resolve this alert' },
      }
    const errors: FieldErrors = {}
    if (!note.trim()) errors.note = 'Enter a note saying why the alert can be resolved'
    else if (note.trim().length > textLimits.caseNote)
      errors.note = tooLong('The note', note.trim(), textLimits.caseNote)!
    if (found.alert.status !== 'open') errors.note = 'This alert is already resolved'
    if (Object.keys(errors).length) return { ok: false, errors }
    const resolved = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const done = await resolveAlert(trx, { alertId, note: note.trim(), actorUserId: actor.userId, at: now })
      if (!done) return false
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.alertResolvedByHand,
        entityType: 'alert',
        entityId: alertId,
        before: { status: 'open' },
        after: { status: 'resolved', note: note.trim(), caseId },
        occurredAt: now,
      })
      return true
    })
    return resolved
      ? { ok: true, value: null }
      : { ok: false, errors: { note: 'This alert is already resolved' } }
  }

  // The owning organisation closes the case with a note; open alerts are resolved with it, once the
  // closer has confirmed that.
  async function closeCase(
    actor: Actor,
    caseId: string,
    input: { note: string; confirmAlerts: boolean },
  ): Promise<WriteOutcome> {
    return db.transaction().execute(async (trx) => {
      const found = await visibleCase(trx, actor, caseId, true)
      if (!found) return null
      const allowed = mayCloseCase(actor, found)
      if (!allowed.ok) return { ok: false as const, errors: { note: allowed.reason } }
      const open = await trx
        .selectFrom('alerts')
        .select(['id'])
        .where('caseId', '=', found.id)
        .where('status', '=', 'open')
        .execute()
      const errors = closeProblems({
        note: input.note,
        openAlerts: open.length,
        confirmedAlerts: input.confirmAlerts,
      })
      if (Object.keys(errors).length) return { ok: false as const, errors }
      const now = clock.now()
      const note = input.note.trim()
      for (const alert of open)
        await resolveAlert(trx, {
          alertId: alert.id,
          note: `Resolved with the case: ${note}`,
          actorUserId: actor.userId,
          at: now,
        })
      await trx
        .updateTable('cases')
        .set({
          status: 'resolved',
          resolvedAt: now,
          resolvedBy: actor.userId,
          resolutionNote: note,
          updatedAt: now,
        })
        .where('id', '=', found.id)
        .execute()
      await trx
        .insertInto('caseEvents')
        .values({
          caseId: found.id,
          kind: 'closed',
          note,
          details: JSON.stringify({ alertsResolved: open.map((a) => a.id) }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
      await refreshRag(trx, [found.locationId], now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.caseClosed,
        entityType: 'case',
        entityId: found.id,
        before: { status: found.status, openAlerts: open.length },
        after: { status: 'resolved', note },
        occurredAt: now,
      })
      return { ok: true as const, value: null }
    })
  }

  // ---- intelligence from partners ----

  async function intelligenceForm(actor: Actor, locationId: string) {
    if (!mayWorkCases(actor)) return null
    const location = await visibleLocation(db, actor, locationId)
    if (!location) return null
    const organisations = await eligibleOrganisations(db, actor, location.id)
    return { location, organisations }
  }

  async function recordIntelligence(
    actor: Actor,
    locationId: string,
    input: IntelligenceInput,
  ): Promise<Outcome<{ caseId: string }> | null> {
    const form = await intelligenceForm(actor, locationId)
    if (!form) return null
    const errors = intelligenceProblems(
      input,
      form.organisations.map((o) => o.id),
    )
    if (Object.keys(errors).length) return { ok: false, errors }
    const partner = form.organisations.find((o) => o.id === input.partnerOrganisationId)!
    const caseId = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const me = await trx
        .selectFrom('users')
        .select('displayName')
        .where('id', '=', actor.userId)
        .executeTakeFirstOrThrow()
      const raised = await raiseAlert(trx, {
        locationId: form.location.id,
        source: 'intelligence',
        alertKey: `intelligence-${randomUUID()}`,
        severity: input.severity as 'red' | 'amber',
        title: input.title.trim(),
        message: `Intelligence from ${partner.name}`,
        evidence: {
          reportedBy: partner.name,
          reportedByOrganisationId: partner.id,
          report: input.report.trim(),
          recordedBy: me.displayName,
        },
        actorUserId: actor.userId,
        at: now,
      })
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.intelligenceRecorded,
        entityType: 'alert',
        entityId: raised.alertId,
        after: {
          locationId: form.location.id,
          caseId: raised.caseId,
          severity: input.severity,
          title: input.title.trim(),
          reportedBy: partner.id,
        },
        occurredAt: now,
      })
      return raised.caseId
    })
    return { ok: true, value: { caseId } }
  }

  // For the location page: its open case and RAG, when the actor may see cases.
  async function caseSummaryForLocation(actor: Actor, locationId: string) {
    const location = await visibleLocation(db, actor, locationId)
    if (!location) return null
    const open = await db
      .selectFrom('cases')
      .leftJoin('organisations', 'organisations.id', 'cases.owningOrganisationId')
      .leftJoin('users', 'users.id', 'cases.ownerUserId')
      .select([
        'cases.id',
        'cases.status',
        'cases.openedAt',
        'organisations.name as owningOrganisationName',
        'users.displayName as ownerName',
      ])
      .where('cases.locationId', '=', location.id)
      .where('cases.status', '<>', 'resolved')
      .executeTakeFirst()
    const risk = await db
      .selectFrom('locationRisk')
      .select(['rag', 'openAlerts'])
      .where('locationId', '=', location.id)
      .executeTakeFirst()
    const closed = await db
      .selectFrom('cases')
      .select(['id', 'openedAt', 'resolvedAt', 'resolutionNote'])
      .where('locationId', '=', location.id)
      .where('status', '=', 'resolved')
      .orderBy('resolvedAt', 'desc')
      .limit(5)
      .execute()
    return {
      locationId: location.id,
      closedCases: closed,
      openCase: open ?? null,
      rag: risk?.rag ?? 'green',
      openAlerts: risk?.openAlerts ?? 0,
      mayRecordIntelligence: mayWorkCases(actor),
    }
  }

  return {
    now: () => clock.now(),
    worklist,
    getCase,
    takeOwnership,
    passCase,
    addAction,
    completeAction,
    alertOnCase,
    resolveAlertByHand,
    closeCase,
    intelligenceForm,
    recordIntelligence,
    caseSummaryForLocation,
  }
}

export type CaseworkService = ReturnType<typeof createCaseworkService>
