import type { FastifyInstance } from 'fastify'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { pageNumber, pagination, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { DirectoryService } from './directory.service.ts'

const pageSize = 50

export async function directoryRoutes(app: FastifyInstance, options: { directory: DirectoryService }) {
  const { directory } = options
  app.addHook('preHandler', requireSignIn)

  app.get('/locations', async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const filter = {
      search: text(query.search).trim(),
      serviceType: text(query.serviceType),
      area: text(query.area),
    }
    const page = pageNumber(query.page)
    const result = await directory.listLocations(actor, { ...filter, page, pageSize })
    if (!result) throw forbidden()
    const areas = await directory.areas(actor)
    return reply.render('directory/views/locations.njk', {
      pageTitle: actor.role === 'provider_manager' ? 'Your locations' : 'Locations',
      filter,
      serviceTypeNames,
      serviceTypeItems: [
        { value: '', text: 'All service types' },
        ...serviceTypes.map((t) => ({
          value: t,
          text: serviceTypeNames[t],
          selected: t === filter.serviceType,
        })),
      ],
      areaItems: [
        { value: '', text: 'All areas' },
        ...areas.map((a) => ({ value: a, text: a, selected: a === filter.area })),
      ],
      locations: result.locations,
      pagination: pagination(paths.locations(), filter, page, pageSize, result.total),
    })
  })

  app.get<{ Params: { id: string } }>('/locations/:id', async (request, reply) => {
    const found = await directory.getLocation(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('directory/views/location.njk', {
      pageTitle: found.location.name,
      ...found,
      serviceTypeNames,
    })
  })

  app.get<{ Params: { id: string } }>('/providers/:id', async (request, reply) => {
    const found = await directory.getProvider(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('directory/views/provider.njk', {
      pageTitle: found.provider.name,
      ...found,
      serviceTypeNames,
    })
  })
}
