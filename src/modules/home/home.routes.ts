import type { FastifyInstance } from 'fastify'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { DirectoryService } from '../directory/directory.service.ts'

export async function homeRoutes(app: FastifyInstance, options: { directory: DirectoryService }) {
  app.get('/', { preHandler: requireSignIn }, async (request, reply) => {
    const actor = signedInActor(request)
    const summary = (await options.directory.summary(actor)) ?? []
    const ownLocations =
      actor.role === 'provider_manager'
        ? ((await options.directory.listLocations(actor, { page: 1, pageSize: 100 }))?.locations ?? [])
        : []
    return reply.render('home/views/home.njk', {
      pageTitle: 'Home',
      summary,
      totals: summary.reduce((t, r) => ({ locations: t.locations + r.locations, beds: t.beds + r.beds }), {
        locations: 0,
        beds: 0,
      }),
      ownLocations,
      serviceTypeNames,
    })
  })
}
