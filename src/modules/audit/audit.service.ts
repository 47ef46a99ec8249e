import type { Db } from '../../db/database.ts'
import { organisationVisible } from '../../db/scope.ts'
import { type Actor, can, organisationScope } from '../../domain/policy.ts'

export type AuditSearch = {
  action?: string
  entityId?: string
  from?: string
  to?: string
  page: number
  pageSize: number
}

export function createAuditService(deps: { db: Db }) {
  const { db } = deps

  function visibleEvents(actor: Actor) {
    return db
      .selectFrom('auditEvents')
      .leftJoin('organisations', 'organisations.id', 'auditEvents.organisationId')
      .leftJoin('users as actorUser', 'actorUser.id', 'auditEvents.actorUserId')
      .where((eb) => {
        const scope = organisationScope(actor)
        if (scope.kind === 'everything') return eb.val(true)
        const byOrganisation = eb(
          'auditEvents.organisationId',
          'in',
          db.selectFrom('organisations').select('organisations.id').where(organisationVisible(scope)),
        )
        if (scope.kind === 'nothing') return byOrganisation
        // A change to the council's own data by someone outside it (an import) is in its trail too.
        return eb.or([byOrganisation, eb('auditEvents.councilId', 'in', scope.councilIds)])
      })
  }

  async function search(actor: Actor, filter: AuditSearch) {
    if (!can(actor, 'audit:read')) return null
    let query = visibleEvents(actor)
    if (filter.action) query = query.where('auditEvents.action', '=', filter.action)
    if (filter.entityId) query = query.where('auditEvents.entityId', '=', filter.entityId)
    if (filter.from) query = query.where('auditEvents.occurredAt', '>=', new Date(`${filter.from}T00:00:00Z`))
    if (filter.to)
      query = query.where(
        'auditEvents.occurredAt',
        '<',
        new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000),
      )
    const countRow = await query
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    const events = await query
      .select([
        'auditEvents.id',
        'auditEvents.occurredAt',
        'auditEvents.action',
        'auditEvents.entityType',
        'auditEvents.entityId',
        'organisations.name as organisationName',
        'actorUser.displayName as actorName',
      ])
      .orderBy('auditEvents.id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { events, total: Number(countRow.count) }
  }

  async function getEvent(actor: Actor, id: string) {
    if (!can(actor, 'audit:read') || !/^\d{1,18}$/.test(id)) return null
    return (
      (await visibleEvents(actor)
        .select([
          'auditEvents.id',
          'auditEvents.occurredAt',
          'auditEvents.action',
          'auditEvents.entityType',
          'auditEvents.entityId',
          'auditEvents.before',
          'auditEvents.after',
          'organisations.name as organisationName',
          'actorUser.displayName as actorName',
          'actorUser.email as actorEmail',
        ])
        .where('auditEvents.id', '=', id)
        .executeTakeFirst()) ?? null
    )
  }

  async function actions(actor: Actor) {
    if (!can(actor, 'audit:read')) return []
    const rows = await db.selectFrom('auditEvents').select('action').distinct().orderBy('action').execute()
    return rows.map((r) => r.action)
  }

  return { search, getEvent, actions }
}

export type AuditService = ReturnType<typeof createAuditService>
