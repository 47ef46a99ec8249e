import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { localReturnPath, text, withQuery } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { directoryPaths } from '../directory/index.ts'
import { contactLogPaths } from './contact-log.paths.ts'
import { contactFormFrom, followUpDoneForm, followUpDoneMessages } from './contact-log.schemas.ts'
import type { ContactLogService } from './contact-log.service.ts'
import {
  contactFormView,
  contactLogNames,
  emptyContactForm,
  formFromContact,
} from './contact-log.view-model.ts'
import { type ContactForm, contactMethodNames, mayRecordContacts } from './domain/contact-log.rules.ts'

// Where the contact form was started: the case it is logged from (checked by the service) and the page to
// go back to (a path on this site only).
type Origin = { caseId: string | null; returnTo: string | null }
const originFrom = (source: unknown): Origin => {
  const fields = (source ?? {}) as Record<string, unknown>
  return { caseId: text(fields.caseId).trim() || null, returnTo: localReturnPath(fields.returnTo) }
}

export async function contactLogRoutes(app: FastifyInstance, deps: { contactLog: ContactLogService }) {
  const { contactLog } = deps
  app.addHook('preHandler', requireSignIn)

  app.get<{ Params: { id: string } }>(contactLogPaths.locationContactLog.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const contacts = await contactLog.listForLocation(actor, request.params.id)
    if (!contacts) throw notFound()
    const location = await contactLog.locationFor(actor, request.params.id)
    return reply.render('contact-log/views/location-log.njk', {
      pageTitle: 'Contact log',
      locationId: request.params.id,
      locationName: location?.name ?? contacts[0]?.locationName,
      contacts,
      canRecord: mayRecordContacts(actor),
      ...contactLogNames,
      flash: request.query,
    })
  })

  // The form to record a contact with a location, blank or as posted with what is wrong with it. Started
  // from a case (`origin.caseId`), the contact belongs to it; `origin.returnTo` is where it goes back to.
  const newContactPage = async (
    actor: ReturnType<typeof signedInActor>,
    locationId: string,
    origin: Origin,
    form: ContactForm,
    errors?: Record<string, string>,
  ) => {
    const context = await contactLog.formFor(actor, locationId)
    if (!context) throw notFound()
    return {
      pageTitle: `Record a contact with ${context.location.name}`,
      location: context.location,
      action: contactLogPaths.newContact.build(context.location.id),
      back: origin.returnTo ?? directoryPaths.location.build(context.location.id),
      origin,
      ...contactFormView(form, { ...context, isNew: true }, errors),
    }
  }

  app.get<{ Params: { id: string } }>(contactLogPaths.newContact.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render(
      'contact-log/views/contact-form.njk',
      await newContactPage(actor, request.params.id, originFrom(request.query), emptyContactForm()),
    )
  })

  app.post<{ Params: { id: string } }>(contactLogPaths.newContact.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const origin = originFrom(request.body)
    const form = contactFormFrom(request.body)
    const result = form.ok
      ? await contactLog.create(actor, request.params.id, form.value, { caseId: origin.caseId })
      : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'contact-log/views/contact-form.njk',
          await newContactPage(
            actor,
            request.params.id,
            origin,
            form.ok ? form.value : emptyContactForm(),
            result.errors,
          ),
        )
    return reply.redirect(
      withQuery(origin.returnTo ?? directoryPaths.location.build(request.params.id), 'contactLogged', '1'),
    )
  })

  app.get(contactLogPaths.followUps.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayRecordContacts(actor)) throw notFound()
    const followUps = await contactLog.followUpsDue(actor)
    return reply.render('contact-log/views/follow-ups.njk', {
      pageTitle: 'Contact log follow-ups due',
      followUps,
      ...contactLogNames,
      flash: request.query,
    })
  })

  app.get<{ Params: { id: string } }>(contactLogPaths.contact.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await contactLog.get(actor, request.params.id)
    if (!found) throw notFound()
    return reply.render('contact-log/views/contact.njk', {
      pageTitle: `${contactMethodNames[found.contact.method]} with ${found.contact.locationName}`,
      ...found,
      ...contactLogNames,
      flash: request.query,
    })
  })

  // The form to change a contact: as stored, or as posted with what is wrong with it.
  const editContactPage = async (
    actor: ReturnType<typeof signedInActor>,
    contactId: string,
    posted?: { form: ContactForm | null; errors: Record<string, string> },
  ) => {
    const context = await contactLog.editFormFor(actor, contactId)
    if (!context) throw notFound()
    const stored = formFromContact(context.contact, context.linkedIds)
    return {
      pageTitle: `Change a contact with ${context.contact.locationName}`,
      location: { id: context.contact.locationId, name: context.contact.locationName },
      action: contactLogPaths.editContact.build(context.contact.id),
      back: contactLogPaths.contact.build(context.contact.id),
      ...contactFormView(posted?.form ?? stored, { ...context, isNew: false }, posted?.errors),
    }
  }

  app.get<{ Params: { id: string } }>(contactLogPaths.editContact.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render('contact-log/views/contact-form.njk', await editContactPage(actor, request.params.id))
  })

  app.post<{ Params: { id: string } }>(contactLogPaths.editContact.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = contactFormFrom(request.body)
    const result = form.ok ? await contactLog.update(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'contact-log/views/contact-form.njk',
        await editContactPage(actor, request.params.id, {
          form: form.ok ? form.value : null,
          errors: result.errors,
        }),
      )
    return reply.redirect(`${contactLogPaths.contact.build(request.params.id)}?saved=1`)
  })

  app.post<{ Params: { id: string } }>(
    contactLogPaths.contactFollowUpDone.pattern,
    async (request, reply) => {
      const actor = signedInActor(request)
      if (!(await contactLog.markFollowUpDone(actor, request.params.id))) throw notFound()
      // Anything but the follow-ups list goes back to the contact.
      const form = parseForm(followUpDoneForm, request.body, followUpDoneMessages)
      return reply.redirect(
        form.ok && form.value.returnTo === 'follow-ups'
          ? `${contactLogPaths.followUps.build()}?done=1`
          : `${contactLogPaths.contact.build(request.params.id)}?followUpDone=1`,
      )
    },
  )
}
