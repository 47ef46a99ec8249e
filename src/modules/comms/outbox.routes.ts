import type { FastifyInstance } from 'fastify'
import { forbidden, notFound } from '../../web/errors.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { OutboxService } from './outbox.service.ts'

export async function outboxRoutes(app: FastifyInstance, options: { outbox: OutboxService }) {
  app.addHook('preHandler', requireSignIn)
  app.get('/admin/outbox', async (request, reply) => {
    const summary = await options.outbox.summary(signedInActor(request))
    if (!summary) throw forbidden()
    return reply.render('comms/views/outbox.njk', { pageTitle: 'Outbox', ...summary, flash: request.query })
  })
  app.post<{ Params: { id: string } }>('/admin/outbox/:id/retry', async (request, reply) => {
    if (!(await options.outbox.retryNow(signedInActor(request), request.params.id))) throw notFound()
    return reply.redirect(`${paths.admin.outbox()}?retried=1`)
  })
}
