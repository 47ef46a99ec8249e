import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'

// What the case page shows of one case (found in scope first, case.repository.ts), and the summary the
// location page shows. Each takes the database or a transaction first.

// The location, its RAG and the names of the owner, owning organisation and closer.
export async function caseHeader(
  db: DbOrTransaction,
  found: {
    locationId: string
    owningOrganisationId: string | null
    ownerUserId: string | null
    resolvedBy: string | null
  },
) {
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
  return { location, risk, owningOrganisation, owner, resolvedBy }
}

// The case's alerts, open first, each with its history.
export async function alertsOfCase(db: DbOrTransaction, caseId: string) {
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
    .where('alerts.caseId', '=', caseId)
    .orderBy(sql`alerts.status = 'open'`, 'desc')
    .orderBy('alerts.severity', 'desc')
    .orderBy('alerts.raisedAt')
    .execute()
  const events = alerts.length
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
  return { alerts, events }
}

// The case's actions, open ones first by due date, and its history, newest first.
export async function actionsAndEventsOfCase(db: DbOrTransaction, caseId: string) {
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
    .where('caseActions.caseId', '=', caseId)
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
    .where('caseEvents.caseId', '=', caseId)
    .orderBy('caseEvents.id', 'desc')
    .execute()
  return { actions, events }
}

// One alert of the case, for the page that resolves it by hand.
export async function alertOfCase(db: DbOrTransaction, caseId: string, alertId: string) {
  return db
    .selectFrom('alerts')
    .select(['id', 'title', 'severity', 'status', 'message', 'evidence'])
    .where('id', '=', alertId)
    .where('caseId', '=', caseId)
    .executeTakeFirst()
}

// For the location page: its open case, its RAG and its last closed cases.
export async function caseSummaryRows(db: DbOrTransaction, locationId: string) {
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
    .where('cases.locationId', '=', locationId)
    .where('cases.status', '<>', 'resolved')
    .executeTakeFirst()
  const risk = await db
    .selectFrom('locationRisk')
    .select(['rag', 'openAlerts'])
    .where('locationId', '=', locationId)
    .executeTakeFirst()
  const closed = await db
    .selectFrom('cases')
    .select(['id', 'openedAt', 'resolvedAt', 'resolutionNote'])
    .where('locationId', '=', locationId)
    .where('status', '=', 'resolved')
    .orderBy('resolvedAt', 'desc')
    .limit(5)
    .execute()
  return { open, risk, closed }
}
