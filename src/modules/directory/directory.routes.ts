import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../domain/policy.ts'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { UserService } from '../access/users.service.ts'
import type { CaseworkService } from '../casework/index.ts'
import { bannerLines, type ContactLogService, mayRecordContacts } from '../contact-log/index.ts'
import { mayWorkEnquiries } from '../enquiries/index.ts'
import type { DirectoryService, LocationFilter } from './directory.service.ts'
import type { LocationEditService, LocationInput } from './location-edit.service.ts'
import { locationsCsv, locationsXlsx } from './locations-export.ts'

const pageSize = 50
const locationFields = [
  'name',
  'providerName',
  'cqcLocationId',
  'serviceType',
  'addressLine1',
  'town',
  'postcode',
  'area',
  'registeredBeds',
  'peopleSupported',
  'contracted',
  'inArea',
  'bcpReviewedOn',
  'nhsmail',
] as const

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

function locationInput(body: Record<string, unknown>): LocationInput {
  return Object.fromEntries(locationFields.map((f) => [f, text(body[f])])) as LocationInput
}

const options = (pairs: [string, string][], selected: string) =>
  pairs.map(([value, label]) => ({ value, text: label, selected: value === selected }))

export async function directoryRoutes(
  app: FastifyInstance,
  deps: {
    directory: DirectoryService
    locationEdits: LocationEditService
    users: UserService
    contactLog: ContactLogService
    casework: CaseworkService
  },
) {
  const { directory, locationEdits, users, contactLog } = deps
  // Who already contacted a location and who is about to, wherever an officer sees it.
  const contactBannerFor = async (actor: ReturnType<typeof signedInActor>, locationId: string) => {
    const banner = await contactLog.recentForLocation(actor, locationId)
    if (!banner) return undefined
    return {
      ...bannerLines(banner, contactLog.now()),
      locationId,
      canRecord: mayRecordContacts(actor),
      canLogEnquiry: mayWorkEnquiries(actor),
    }
  }
  app.addHook('preHandler', requireSignIn)

  app.get('/locations', async (request, reply) => {
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
      return `${paths.locations()}?${params.toString()}`
    }
    const exportQuery = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString()
    const banners = await contactLog.recentForLocations(
      actor,
      result.locations.map((l) => l.id),
    )
    const lastContact = Object.fromEntries(
      [...banners].map(([id, banner]) => [id, bannerLines(banner, contactLog.now())]),
    )
    return reply.render('directory/views/locations.njk', {
      pageTitle: isProvider ? 'Your locations' : 'Locations',
      filter,
      isProvider,
      canAdd: can(actor, 'locations:write') && actor.councilIds.length > 0,
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
      sortHref,
      sortState: (column: string) =>
        filter.sort === column || (!filter.sort && column === 'name')
          ? filter.order === 'desc'
            ? 'descending'
            : 'ascending'
          : 'none',
      exportCsv: `${paths.locationsExport('csv')}${exportQuery ? `?${exportQuery}` : ''}`,
      exportXlsx: `${paths.locationsExport('xlsx')}${exportQuery ? `?${exportQuery}` : ''}`,
      locations: result.locations,
      lastContact,
      showLastContact: !isProvider,
      pagination: pagination(paths.locations(), filter, page, pageSize, result.total),
    })
  })

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/locations/export.${format}`, async (request, reply: FastifyReply) => {
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

  const locationForm = (values: Partial<LocationInput>, errors?: Record<string, string>) => ({
    values,
    serviceTypeItems: serviceTypes.map((t) => ({
      value: t,
      text: serviceTypeNames[t],
      checked: t === values.serviceType,
    })),
    errors,
    errorList: errors ? errorSummary(errors, [...locationFields]) : undefined,
  })

  app.get('/locations/new', async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:write') || actor.councilIds.length === 0) throw forbidden()
    return reply.render('directory/views/location-form.njk', {
      pageTitle: 'Add a location',
      isNew: true,
      ...locationForm({ contracted: 'yes', inArea: 'in' }),
    })
  })

  app.post('/locations/new', async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:write') || actor.councilIds.length === 0) throw forbidden()
    const input = locationInput(request.body as Record<string, unknown>)
    const result = await locationEdits.createLocation(actor, input)
    if (!result.ok)
      return reply.code(400).render('directory/views/location-form.njk', {
        pageTitle: 'Add a location',
        isNew: true,
        ...locationForm(input, result.errors),
      })
    return reply.redirect(`${paths.location(result.value.id)}?saved=1`)
  })

  app.get<{ Params: { id: string } }>('/locations/:id', async (request, reply) => {
    const actor = signedInActor(request)
    const found = await directory.getLocation(actor, request.params.id)
    if (!found) throw notFound()
    return reply.render('directory/views/location.njk', {
      pageTitle: found.location.name,
      ...found,
      serviceTypeNames,
      canEdit: can(actor, 'locations:write'),
      flash: request.query,
      contactValues: {},
      contactBanner: await contactBannerFor(actor, request.params.id),
      caseSummary: await deps.casework.caseSummaryForLocation(actor, request.params.id),
    })
  })

  app.get<{ Params: { id: string } }>('/locations/:id/edit', async (request, reply) => {
    const values = await locationEdits.formValues(signedInActor(request), request.params.id)
    if (!values) throw notFound()
    return reply.render('directory/views/location-form.njk', {
      pageTitle: `Change ${values.name}`,
      locationId: request.params.id,
      ...locationForm(values),
    })
  })

  app.post<{ Params: { id: string } }>('/locations/:id/edit', async (request, reply) => {
    const actor = signedInActor(request)
    const input = locationInput(request.body as Record<string, unknown>)
    const result = await locationEdits.updateLocation(actor, request.params.id, input)
    if (!result) throw notFound()
    if (!result.ok) {
      return reply.code(400).render('directory/views/location-form.njk', {
        pageTitle: `Change ${input.name || 'location'}`,
        locationId: request.params.id,
        ...locationForm(input, result.errors),
      })
    }
    return reply.redirect(`${paths.location(request.params.id)}?saved=1`)
  })

  app.post<{ Params: { id: string } }>('/locations/:id/contacts', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const input = {
      name: text(body.contactName),
      jobTitle: text(body.contactJobTitle),
      phone: text(body.contactPhone),
      email: text(body.contactEmail),
    }
    const result = await locationEdits.addContact(actor, request.params.id, input)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = (await directory.getLocation(actor, request.params.id))!
      return reply.code(400).render('directory/views/location.njk', {
        pageTitle: found.location.name,
        ...found,
        serviceTypeNames,
        canEdit: true,
        flash: {},
        contactValues: body,
        contactBanner: await contactBannerFor(actor, request.params.id),
        errors: result.errors,
        errorList: errorSummary(result.errors, [
          'contactName',
          'contactJobTitle',
          'contactPhone',
          'contactEmail',
        ]),
      })
    }
    return reply.redirect(`${paths.location(request.params.id)}?contactAdded=1#contacts`)
  })

  app.post<{ Params: { id: string; contactId: string } }>(
    '/locations/:id/contacts/:contactId/remove',
    async (request, reply) => {
      if (
        !(await locationEdits.removeContact(
          signedInActor(request),
          request.params.id,
          request.params.contactId,
        ))
      )
        throw notFound()
      return reply.redirect(`${paths.location(request.params.id)}?contactRemoved=1#contacts`)
    },
  )

  app.get<{ Params: { id: string } }>('/providers/:id', async (request, reply) => {
    const actor = signedInActor(request)
    const found = await directory.getProvider(actor, request.params.id)
    if (!found) throw notFound()
    const banners = await contactLog.recentForLocations(
      actor,
      found.locations.map((l) => l.id),
    )
    return reply.render('directory/views/provider.njk', {
      pageTitle: found.provider.name,
      ...found,
      serviceTypeNames,
      canInvite: await users.mayInviteToProvider(actor, request.params.id),
      flash: request.query,
      values: {},
      showLastContact: actor.role !== 'provider_manager',
      lastContact: Object.fromEntries(
        [...banners].map(([id, banner]) => [id, bannerLines(banner, contactLog.now())]),
      ),
    })
  })

  app.post<{ Params: { id: string } }>('/providers/:id/invite', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const values = {
      email: text(body.email),
      displayName: text(body.displayName),
      approver: text(body.approver) === 'yes',
    }
    const result = await users.inviteToProvider(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = (await directory.getProvider(actor, request.params.id))!
      return reply.code(400).render('directory/views/provider.njk', {
        pageTitle: found.provider.name,
        ...found,
        serviceTypeNames,
        canInvite: true,
        flash: {},
        values,
        errors: result.errors,
        errorList: errorSummary(result.errors, ['displayName', 'email']),
      })
    }
    return reply.redirect(`${paths.provider(request.params.id)}?invited=1#users`)
  })
}
