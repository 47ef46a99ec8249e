import type { FastifyInstance, FastifyReply } from 'fastify'
import { type Actor, can } from '../../domain/policy.ts'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { UserService } from '../access/index.ts'
import { bannerLines, type ContactLogService, mayReadContactLog } from '../contact-log/index.ts'
import { directoryPaths } from './directory.paths.ts'
import { inviteForm, inviteMessages } from './directory.schemas.ts'
import type { DirectoryService, LocationFilter } from './directory.service.ts'
import type { LocationPagePanels } from './location-page.ts'
import { locationPage } from './location-page.ts'
import { locationsCsv, locationsXlsx } from './locations-export.ts'

const pageSize = 50

function filterFrom(query: Record<string, unknown>): Required<LocationFilter> {
  return {
    search: text(query.search).trim(),
    serviceType: text(query.serviceType),
    area: text(query.area),
    contracted: text(query.contracted),
    inArea: text(query.inArea),
    status: text(query.status),
    sort: text(query.sort),
    order: text(query.order),
  }
}

const options = (pairs: [string, string][], selected: string) =>
  pairs.map(([value, label]) => ({ value, text: label, selected: value === selected }))

// The list's filters as the page's select boxes.
function filterItems(filter: Required<LocationFilter>, areas: string[]) {
  return {
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
    contractedItems: options(
      [
        ['', 'Contracted or not'],
        ['yes', 'Contracted'],
        ['no', 'Not contracted'],
      ],
      filter.contracted,
    ),
    inAreaItems: options(
      [
        ['', 'In or out of area'],
        ['in', 'In our area'],
        ['out', 'Out of our area'],
      ],
      filter.inArea,
    ),
    statusItems: options(
      [
        ['', 'Any status'],
        ['open', 'Open'],
        ['dormant', 'Dormant'],
        ['closed', 'Closed'],
      ],
      filter.status,
    ),
  }
}

// The list of locations, its exports, a location's page and a provider's page (with its invitation).
export async function directoryRoutes(
  app: FastifyInstance,
  deps: {
    directory: DirectoryService
    users: UserService
    contactLog: ContactLogService
    locationPagePanels: LocationPagePanels
  },
) {
  const { directory, users, contactLog } = deps
  const locationView = locationPage(directory, deps.locationPagePanels)
  // Who last contacted each location in a list, for officers (the contact log's lines).
  const lastContactOf = async (actor: Actor, locationIds: string[]) => {
    const banners = await contactLog.recentForLocations(actor, locationIds)
    return Object.fromEntries([...banners].map(([id, banner]) => [id, bannerLines(banner, contactLog.now())]))
  }
  app.addHook('preHandler', requireSignIn)

  app.get(directoryPaths.locations.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const filter = filterFrom(request.query as Record<string, unknown>)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const result = await directory.listLocations(actor, { ...filter, page, pageSize })
    if (!result) throw forbidden()
    const areas = await directory.areas(actor)
    const isProvider = actor.role === 'provider_manager'
    const { sort, order, ...filterOnly } = filter
    // Each column heading sorts by that column; a second click reverses the order.
    const sortHref = (column: string) => {
      const params = new URLSearchParams({
        ...filterOnly,
        sort: column,
        order: filter.sort === column && filter.order !== 'desc' ? 'desc' : 'asc',
      })
      for (const [k, v] of [...params.entries()]) if (!v) params.delete(k)
      return `${directoryPaths.locations.build()}?${params.toString()}`
    }
    const exportQuery = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString()
    const exportHref = (format: 'csv' | 'xlsx') =>
      `${directoryPaths.locationsExport[format].build()}${exportQuery ? `?${exportQuery}` : ''}`
    return reply.render('directory/views/locations.njk', {
      pageTitle: isProvider ? 'Your locations' : 'Locations',
      filter,
      isProvider,
      canAdd: can(actor, 'locations:write') && actor.councilIds.length > 0,
      serviceTypeNames,
      ...filterItems(filter, areas),
      sortHref,
      sortState: (column: string) =>
        filter.sort === column || (!filter.sort && column === 'name')
          ? filter.order === 'desc'
            ? 'descending'
            : 'ascending'
          : 'none',
      exportCsv: exportHref('csv'),
      exportXlsx: exportHref('xlsx'),
      locations: result.locations,
      ragShown: result.ragShown,
      lastContact: await lastContactOf(
        actor,
        result.locations.map((l) => l.id),
      ),
      showLastContact: mayReadContactLog(actor),
      pagination: pagination(directoryPaths.locations.build(), filter, page, pageSize, result.total),
    })
  })

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(directoryPaths.locationsExport[format].pattern, async (request, reply: FastifyReply) => {
      const actor = signedInActor(request)
      if (!can(actor, 'locations:read')) throw forbidden()
      const batches = directory.exportLocations(actor, filterFrom(request.query as Record<string, unknown>))
      const stamp = new Date().toISOString().slice(0, 10)
      reply.header('content-disposition', `attachment; filename="locations-${stamp}.${format}"`)
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(locationsCsv(batches))
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(locationsXlsx(batches))
    })
  }

  app.get<{ Params: { id: string } }>(directoryPaths.location.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const view = await locationView(actor, request.params.id, { flash: request.query, contactValues: {} })
    if (!view) throw notFound()
    return reply.render('directory/views/location.njk', view)
  })

  // A provider's page: its locations the actor may see and, for those who may, its users.
  const providerView = async (actor: Actor, providerId: string, extra: Record<string, unknown>) => {
    const found = await directory.getProvider(actor, providerId)
    if (!found) return null
    return {
      pageTitle: found.provider.name,
      ...found,
      serviceTypeNames,
      showLastContact: actor.role !== 'provider_manager',
      lastContact: await lastContactOf(
        actor,
        found.locations.map((l) => l.id),
      ),
      ...extra,
    }
  }

  app.get<{ Params: { id: string } }>(directoryPaths.provider.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const view = await providerView(actor, request.params.id, { flash: request.query, values: {} })
    if (!view) throw notFound()
    const canInvite = await users.mayInviteToProvider(actor, request.params.id)
    return reply.render('directory/views/provider.njk', { ...view, canInvite })
  })

  app.post<{ Params: { id: string } }>(directoryPaths.inviteProviderUser.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    // The form's answers are access's to check (the same as an admin's invitation).
    const form = parseForm(inviteForm, request.body, inviteMessages)
    const values = form.ok ? form.value : { email: '', displayName: '', approver: false }
    const result = await users.inviteToProvider(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const view = await providerView(actor, request.params.id, {
        canInvite: true,
        flash: {},
        values,
        errors: result.errors,
        errorList: errorSummary(result.errors, ['displayName', 'email']),
      })
      return reply.code(400).render('directory/views/provider.njk', view!)
    }
    return reply.redirect(`${directoryPaths.provider.build(request.params.id)}?invited=1#users`)
  })
}
