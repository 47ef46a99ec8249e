import type { FastifyInstance } from 'fastify'
import { forbidden, notFound } from '../../web/errors.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { commsPaths } from './comms.paths.ts'
import type { OutboxService } from './outbox.service.ts'

export async function outboxRoutes(app: FastifyInstance, options: { outbox: OutboxService }) {
  app.addHook('preHandler', requireSignIn)
  app.get(commsPaths.outbox.pattern, async (request, reply) => {
    const summary = await options.outbox.summary(signedInActor(request))
    if (!summary) throw forbidden()
    return reply.render('comms/views/outbox.njk', { pageTitle: 'Outbox', ...summary, flash: request.query })
  })
  app.post<{ Params: { id: string } }>(commsPaths.retryEmail.pattern, async (request, reply) => {
    if (!(await options.outbox.retryNow(signedInActor(request), request.params.id))) throw notFound()
    return reply.redirect(`${commsPaths.outbox.build()}?retried=1`)
  })
}
