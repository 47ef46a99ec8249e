import type { FastifyInstance } from 'fastify'
import { forbidden, notFound } from '../../web/errors.ts'
import { pageNumber, pagination, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { auditPaths } from './audit.paths.ts'
import type { AuditService } from './audit.service.ts'

const pageSize = 50
const isoDate = /^\d{4}-\d{2}-\d{2}$/

export async function auditRoutes(app: FastifyInstance, options: { audit: AuditService }) {
  const { audit } = options
  app.addHook('preHandler', requireSignIn)

  app.get(auditPaths.auditTrail.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const filter = {
      action: text(query.action),
      entityId: text(query.entityId).trim(),
      from: isoDate.test(text(query.from)) ? text(query.from) : '',
      to: isoDate.test(text(query.to)) ? text(query.to) : '',
    }
    const page = pageNumber(query.page)
    const result = await audit.search(actor, { ...filter, page, pageSize })
    if (!result) throw forbidden()
    const actions = await audit.actions(actor)
    return reply.render('audit/views/audit.njk', {
      pageTitle: 'Audit',
      filter,
      actionItems: [
        { value: '', text: 'Any action' },
        ...actions.map((a) => ({ value: a, text: a, selected: a === filter.action })),
      ],
      events: result.events,
      pagination: pagination(auditPaths.auditTrail.build(), filter, page, pageSize, result.total),
    })
  })

  app.get<{ Params: { id: string } }>(auditPaths.auditEvent.pattern, async (request, reply) => {
    const event = await audit.getEvent(signedInActor(request), request.params.id)
    if (!event) throw notFound()
    return reply.render('audit/views/audit-event.njk', { pageTitle: `Audit record ${event.id}`, event })
  })
}
