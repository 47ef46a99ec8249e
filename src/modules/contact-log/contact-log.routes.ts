import type { FastifyInstance } from 'fastify'
import { contactCategories, contactCategoryNames } from '../../domain/contact-log/categories.ts'
import {
  type ContactForm,
  contactDirectionNames,
  contactDirections,
  contactFormFields,
  contactMethodNames,
  contactMethodNouns,
  contactMethods,
  contactStateNames,
  mayRecordContacts,
  relativeDay,
} from '../../domain/contact-log/contact-log.rules.ts'
import { londonDate, londonTime, partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { directoryPaths } from '../directory/index.ts'
import type { ContactLogService, ContactSummary } from './contact-log.service.ts'

export function contactFormFrom(body: Record<string, unknown>): ContactForm {
  const alertIds = body.alertIds
  return {
    method: text(body.method),
    direction: text(body.direction),
    category: text(body.category),
    state: text(body.state),
    contactDay: text(body['contactDate-day']),
    contactMonth: text(body['contactDate-month']),
    contactYear: text(body['contactDate-year']),
    contactTime: text(body.contactTime),
    spokeTo: text(body.spokeTo),
    summary: text(body.summary),
    actionsAgreed: text(body.actionsAgreed),
    followUpDay: text(body['followUpDate-day']),
    followUpMonth: text(body['followUpDate-month']),
    followUpYear: text(body['followUpDate-year']),
    restricted: text(body.restricted),
    alertIds: (Array.isArray(alertIds) ? alertIds : alertIds ? [alertIds] : []).map(String),
  }
}

function formFromContact(c: ContactSummary, alertIds: string[]): ContactForm {
  const date = partsFromIsoDate(londonDate(c.contactAt))
  const followUp = partsFromIsoDate(c.followUpOn)
  return {
    method: c.method,
    direction: c.direction,
    category: c.category,
    state: c.state,
    contactDay: date.day,
    contactMonth: date.month,
    contactYear: date.year,
    contactTime: londonTime(c.contactAt),
    spokeTo: c.spokeTo ?? '',
    summary: c.summary,
    actionsAgreed: c.actionsAgreed ?? '',
    followUpDay: followUp.day,
    followUpMonth: followUp.month,
    followUpYear: followUp.year,
    restricted: c.restricted ? 'yes' : '',
    alertIds,
  }
}

// Names the contact log's views use for its codes.
export const contactLogNames = {
  contactCategoryNames,
  contactMethodNames,
  contactMethodNouns,
  contactDirectionNames,
  contactStateNames,
}

// A date's error links to its day box, the first of the three (GOV.UK date input pattern).
export const toFirstDateField = <T extends { href: string }>(list: T[]) =>
  list.map((e) => (/^#\w+Date$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e))

const radios = (values: readonly string[], names: Record<string, string>, selected: string) =>
  values.map((value) => ({ value, text: names[value], checked: value === selected }))

export async function contactLogRoutes(app: FastifyInstance, deps: { contactLog: ContactLogService }) {
  const { contactLog } = deps
  app.addHook('preHandler', requireSignIn)

  type Alert = { id: string; title: string; severity: string }
  const formView = (
    form: ContactForm,
    context: { alerts: Alert[]; mayRestrict: boolean; isNew: boolean },
    errors?: Record<string, string>,
  ) => ({
    form,
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, [...contactFormFields])) : undefined,
    stateItems: radios(
      context.isNew ? ['done', 'planned'] : ['done', 'planned', 'cancelled'],
      {
        done: 'It has happened',
        planned: 'It is planned (for example, a call booked for Thursday)',
        cancelled: 'It was cancelled',
      },
      form.state,
    ),
    methodItems: radios(contactMethods, contactMethodNames, form.method),
    directionItems: radios(contactDirections, contactDirectionNames, form.direction),
    categoryItems: radios(contactCategories, contactCategoryNames, form.category),
    alertItems: context.alerts.map((a) => ({
      value: a.id,
      text: `${a.severity === 'red' ? 'Red' : 'Amber'}: ${a.title}`,
      checked: form.alertIds.includes(a.id),
    })),
    mayRestrict: context.mayRestrict,
    isNew: context.isNew,
  })

  const emptyForm = (): ContactForm => ({
    ...contactFormFrom({}),
    direction: 'outgoing',
    method: 'call',
  })

  app.get<{ Params: { id: string } }>('/locations/:id/contact-log', async (request, reply) => {
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

  app.get<{ Params: { id: string } }>('/locations/:id/contact-log/new', async (request, reply) => {
    const actor = signedInActor(request)
    const context = await contactLog.formFor(actor, request.params.id)
    if (!context) throw notFound()
    return reply.render('contact-log/views/contact-form.njk', {
      pageTitle: `Record a contact with ${context.location.name}`,
      location: context.location,
      action: paths.newContact(context.location.id),
      back: directoryPaths.location.build(context.location.id),
      ...formView(emptyForm(), { ...context, isNew: true }),
    })
  })

  app.post<{ Params: { id: string } }>('/locations/:id/contact-log/new', async (request, reply) => {
    const actor = signedInActor(request)
    const form = contactFormFrom(request.body as Record<string, unknown>)
    const result = await contactLog.create(actor, request.params.id, form)
    if (!result) throw notFound()
    if (!result.ok) {
      const context = (await contactLog.formFor(actor, request.params.id))!
      return reply.code(400).render('contact-log/views/contact-form.njk', {
        pageTitle: `Record a contact with ${context.location.name}`,
        location: context.location,
        action: paths.newContact(context.location.id),
        back: directoryPaths.location.build(context.location.id),
        ...formView(form, { ...context, isNew: true }, result.errors),
      })
    }
    return reply.redirect(`${directoryPaths.location.build(request.params.id)}?contactLogged=1`)
  })

  app.get('/contact-log/follow-ups', async (request, reply) => {
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

  app.get<{ Params: { id: string } }>('/contact-log/:id', async (request, reply) => {
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

  app.get<{ Params: { id: string } }>('/contact-log/:id/edit', async (request, reply) => {
    const actor = signedInActor(request)
    const context = await contactLog.editFormFor(actor, request.params.id)
    if (!context) throw notFound()
    return reply.render('contact-log/views/contact-form.njk', {
      pageTitle: `Change a contact with ${context.contact.locationName}`,
      location: { id: context.contact.locationId, name: context.contact.locationName },
      action: paths.editContact(context.contact.id),
      back: paths.contact(context.contact.id),
      ...formView(formFromContact(context.contact, context.linkedIds), { ...context, isNew: false }),
    })
  })

  app.post<{ Params: { id: string } }>('/contact-log/:id/edit', async (request, reply) => {
    const actor = signedInActor(request)
    const form = contactFormFrom(request.body as Record<string, unknown>)
    const result = await contactLog.update(actor, request.params.id, form)
    if (!result) throw notFound()
    if (!result.ok) {
      const context = (await contactLog.editFormFor(actor, request.params.id))!
      return reply.code(400).render('contact-log/views/contact-form.njk', {
        pageTitle: `Change a contact with ${context.contact.locationName}`,
        location: { id: context.contact.locationId, name: context.contact.locationName },
        action: paths.editContact(context.contact.id),
        back: paths.contact(context.contact.id),
        ...formView(form, { ...context, isNew: false }, result.errors),
      })
    }
    return reply.redirect(`${paths.contact(request.params.id)}?saved=1`)
  })

  app.post<{ Params: { id: string } }>('/contact-log/:id/follow-up-done', async (request, reply) => {
    const actor = signedInActor(request)
    if (!(await contactLog.markFollowUpDone(actor, request.params.id))) throw notFound()
    const back = text((request.body as Record<string, unknown>).returnTo)
    return reply.redirect(
      back === 'follow-ups'
        ? `${paths.followUps()}?done=1`
        : `${paths.contact(request.params.id)}?followUpDone=1`,
    )
  })
}

// The banner's lines in words, for the location page and lists: "Contacted today by …".
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
const formatDate = (d: Date) => dateFormat.format(d)

export function bannerLines(
  banner: { recent: ContactSummary[]; planned: ContactSummary[] } | undefined,
  now: Date,
) {
  if (!banner) return { recent: [], planned: [] }
  return {
    recent: banner.recent.map((c) => ({
      id: c.id,
      text: `Contacted ${relativeDay(c.contactAt, now, formatDate)} by ${c.organisationName} (${c.officerName})`,
      method: contactMethodNames[c.method],
      summary: c.summary,
      actionsAgreed: c.actionsAgreed,
    })),
    planned: banner.planned.map((c) => ({
      id: c.id,
      text: `${contactMethodNouns[c.method]} planned ${relativeDay(c.contactAt, now, formatDate)} by ${c.organisationName} (${c.officerName})`,
      summary: c.summary,
    })),
  }
}
