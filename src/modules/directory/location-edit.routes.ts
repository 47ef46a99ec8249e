import type { FastifyInstance } from 'fastify'
import { type Actor, can } from '../../domain/policy.ts'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { directoryPaths } from './directory.paths.ts'
import {
  contactFields,
  type LocationFormValues,
  locationFields,
  locationFormValues,
  parseContactForm,
  parseLocationForm,
} from './directory.schemas.ts'
import type { DirectoryService } from './directory.service.ts'
import type { LocationEditService } from './location-edit.service.ts'
import { type LocationPagePanels, locationPage } from './location-page.ts'

// The location form (a new location, or a change to one) as typed, with what is wrong with it.
const locationForm = (values: Partial<LocationFormValues>, errors?: Record<string, string>) => ({
  values,
  serviceTypeItems: serviceTypes.map((t) => ({
    value: t,
    text: serviceTypeNames[t],
    checked: t === values.serviceType,
  })),
  errors,
  errorList: errors ? errorSummary(errors, [...locationFields]) : undefined,
})

const mayAdd = (actor: Actor) => can(actor, 'locations:write') && actor.councilIds.length > 0

// An officer's changes: a new location, a change to one, and its named contacts.
export async function locationEditRoutes(
  app: FastifyInstance,
  deps: {
    directory: DirectoryService
    locationEdits: LocationEditService
    locationPagePanels: LocationPagePanels
  },
) {
  const { locationEdits } = deps
  const locationView = locationPage(deps.directory, deps.locationPagePanels)
  app.addHook('preHandler', requireSignIn)

  app.get(directoryPaths.newLocation.pattern, async (request, reply) => {
    if (!mayAdd(signedInActor(request))) throw forbidden()
    return reply.render('directory/views/location-form.njk', {
      pageTitle: 'Add a location',
      isNew: true,
      ...locationForm({ contracted: 'yes', inArea: 'in' }),
    })
  })

  app.post(directoryPaths.newLocation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayAdd(actor)) throw forbidden()
    const form = parseLocationForm(request.body, true)
    const result = form.ok ? await locationEdits.createLocation(actor, form.value) : form
    if (!result.ok)
      return reply.code(400).render('directory/views/location-form.njk', {
        pageTitle: 'Add a location',
        isNew: true,
        ...locationForm(locationFormValues(request.body), result.errors),
      })
    return reply.redirect(`${directoryPaths.location.build(result.value.id)}?saved=1`)
  })

  app.get<{ Params: { id: string } }>(directoryPaths.editLocation.pattern, async (request, reply) => {
    const values = await locationEdits.formValues(signedInActor(request), request.params.id)
    if (!values) throw notFound()
    return reply.render('directory/views/location-form.njk', {
      pageTitle: `Change ${values.name}`,
      locationId: request.params.id,
      ...locationForm(values),
    })
  })

  app.post<{ Params: { id: string } }>(directoryPaths.editLocation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params
    if (!(await locationEdits.mayEdit(actor, id))) throw notFound()
    const form = parseLocationForm(request.body, false)
    if (!form.ok) {
      const values = locationFormValues(request.body)
      return reply.code(400).render('directory/views/location-form.njk', {
        pageTitle: `Change ${values.name || 'location'}`,
        locationId: id,
        ...locationForm(values, form.errors),
      })
    }
    if (!(await locationEdits.updateLocation(actor, id, form.value))) throw notFound()
    return reply.redirect(`${directoryPaths.location.build(id)}?saved=1`)
  })

  app.post<{ Params: { id: string } }>(directoryPaths.locationContacts.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params
    if (!(await locationEdits.mayEdit(actor, id))) throw notFound()
    const form = parseContactForm(request.body)
    if (!form.ok) {
      // The location's page again, the form open with what is wrong.
      const view = await locationView(actor, id, {
        canEdit: true,
        flash: {},
        contactValues: request.body,
        errors: form.errors,
        errorList: errorSummary(form.errors, [...contactFields]),
      })
      return reply.code(400).render('directory/views/location.njk', view!)
    }
    if (!(await locationEdits.addContact(actor, id, form.value))) throw notFound()
    return reply.redirect(`${directoryPaths.location.build(id)}?contactAdded=1#contacts`)
  })

  app.post<{ Params: { id: string; contactId: string } }>(
    directoryPaths.removeContact.pattern,
    async (request, reply) => {
      const { id, contactId } = request.params
      if (!(await locationEdits.removeContact(signedInActor(request), id, contactId))) throw notFound()
      return reply.redirect(`${directoryPaths.location.build(id)}?contactRemoved=1#contacts`)
    },
  )
}
