import type { FastifyInstance } from 'fastify'
import type { Clock } from '../../domain/clock.ts'
import { contactCategories, contactCategoryNames } from '../../domain/contact-categories.ts'
import { isoDateFromParts, londonInstant } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import {
  eventKindNames,
  eventKinds,
  resourceCategories,
  resourceCategoryNames,
} from './domain/resources.rules.ts'
import { checkEvent, type EventService } from './events.service.ts'
import { resourcePackPaths as paths } from './resource-pack.paths.ts'
import { mayKeep, type ResourceService } from './resources.service.ts'

type Body = Record<string, unknown>
const field = (body: Body, name: string) => text(body[name])
const dateOf = (body: Body, prefix: string) =>
  isoDateFromParts({
    day: field(body, `${prefix}-day`),
    month: field(body, `${prefix}-month`),
    year: field(body, `${prefix}-year`),
  })
const names = { resourceCategoryNames, eventKindNames }

// The resource pack (documents and links by category, versions, review dates) and events (sign-up,
// attendance, questions that become FAQ entries).
export async function resourcePackRoutes(
  app: FastifyInstance,
  deps: { resources: ResourceService; events: EventService; clock: Clock },
) {
  const { resources, events, clock } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.resources.pattern, async (request, reply) => {
    const found = await resources.list(signedInActor(request))
    if (!found) throw notFound()
    const byCategory = resourceCategories
      .map((c) => ({
        category: c,
        name: resourceCategoryNames[c],
        items: found.items.filter((i) => i.category === c),
      }))
      .filter((c) => c.items.length)
    return reply.render('resource-pack/views/resources.njk', {
      pageTitle: 'Resource pack',
      byCategory,
      mayKeep: found.mayKeep,
    })
  })

  const itemForm = (values: Body, errors?: Record<string, string>) => ({
    pageTitle: 'Add to the resource pack',
    values,
    errors,
    errorList: errors
      ? errorSummary(errors, ['title', 'category', 'link', 'summary', 'reviewOn'])
      : undefined,
    categoryItems: resourceCategories.map((c) => ({
      value: c,
      text: resourceCategoryNames[c],
      checked: values.category === c,
    })),
  })

  app.get(paths.newResource.pattern, async (request, reply) => {
    if (!(await resources.list(signedInActor(request)))?.mayKeep) throw notFound()
    return reply.render('resource-pack/views/resource-form.njk', itemForm({}))
  })

  app.post(paths.newResource.pattern, async (request, reply) => {
    const body = (request.body ?? {}) as Body
    const result = await resources.add(signedInActor(request), {
      title: field(body, 'title'),
      category: field(body, 'category'),
      link: field(body, 'link'),
      summary: field(body, 'summary'),
      reviewOn: dateOf(body, 'reviewOn'),
    })
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('resource-pack/views/resource-form.njk', itemForm(body, result.errors))
    return reply.redirect(paths.resource.build(result.value.id))
  })

  app.get<{ Params: { id: string } }>(paths.resource.pattern, async (request, reply) => {
    const found = await resources.item(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('resource-pack/views/resource.njk', {
      pageTitle: found.item.title,
      ...found,
      values: {},
      ...names,
    })
  })

  app.post<{ Params: { id: string } }>(paths.newResourceVersion.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const body = (request.body ?? {}) as Body
    const result = await resources.addVersion(actor, request.params.id, {
      link: field(body, 'link'),
      summary: field(body, 'summary'),
      reviewOn: dateOf(body, 'reviewOn'),
    })
    if (!result) throw notFound()
    if (!result.ok) {
      const found = await resources.item(actor, request.params.id)
      if (!found) throw notFound()
      return reply.code(400).render('resource-pack/views/resource.njk', {
        pageTitle: found.item.title,
        ...found,
        ...names,
        values: body,
        errors: result.errors,
        errorList: errorSummary(result.errors, ['link', 'summary', 'reviewOn']),
      })
    }
    return reply.redirect(paths.resource.build(request.params.id))
  })

  app.get(paths.events.pattern, async (request, reply) => {
    const found = await events.list(signedInActor(request))
    if (!found) throw notFound()
    const now = clock.now()
    return reply.render('resource-pack/views/events.njk', {
      pageTitle: 'Events',
      upcoming: found.events.filter((e) => e.startsAt > now).reverse(),
      past: found.events.filter((e) => e.startsAt <= now),
      mayKeep: found.mayKeep,
      ...names,
    })
  })

  const eventForm = (values: Body, errors?: Record<string, string>) => ({
    pageTitle: 'New event',
    values,
    errors,
    errorList: errors ? errorSummary(errors, ['title', 'kind', 'startsOn', 'audience']) : undefined,
    kindItems: eventKinds.map((k) => ({ value: k, text: eventKindNames[k], checked: values.kind === k })),
  })

  app.get(paths.newEvent.pattern, async (request, reply) => {
    if (!(await events.list(signedInActor(request)))?.mayKeep) throw notFound()
    return reply.render('resource-pack/views/event-form.njk', eventForm({}))
  })

  app.post(paths.newEvent.pattern, async (request, reply) => {
    // Refused before the form is read: one who may not keep events learns nothing from its errors.
    if (!mayKeep(signedInActor(request))) throw notFound()
    const body = (request.body ?? {}) as Body
    const day = dateOf(body, 'startsOn')
    const time = /^(\d{1,2})[:.](\d{2})$/.exec(field(body, 'startsTime'))
    const startsAt =
      day && time && Number(time[1]) < 24 && Number(time[2]) < 60
        ? londonInstant(day, Number(time[1]), Number(time[2]))
        : null
    const checked = checkEvent(
      { title: field(body, 'title'), kind: field(body, 'kind'), audience: field(body, 'audience') },
      startsAt,
      clock.now(),
    )
    if (!checked.ok)
      return reply.code(400).render('resource-pack/views/event-form.njk', eventForm(body, checked.errors))
    const created = await events.create(signedInActor(request), checked.value)
    if (!created) throw notFound()
    return reply.redirect(paths.event.build(created.id))
  })

  const eventView = async (request: Parameters<typeof signedInActor>[0], id: string, extra: Body = {}) => {
    const found = await events.event(signedInActor(request), id)
    if (!found) throw notFound()
    return {
      pageTitle: found.event.title,
      ...found,
      ...names,
      upcoming: found.event.startsAt > clock.now(),
      faqCategoryItems: contactCategories.map((c) => ({ value: c, text: contactCategoryNames[c] })),
      flash: request.query,
      ...extra,
    }
  }

  app.get<{ Params: { id: string } }>(paths.event.pattern, async (request, reply) =>
    reply.render('resource-pack/views/event.njk', await eventView(request, request.params.id)),
  )

  app.post<{ Params: { id: string } }>(paths.eventSignUp.pattern, async (request, reply) => {
    if (!(await events.signUp(signedInActor(request), request.params.id))) throw notFound()
    return reply.redirect(`${paths.event.build(request.params.id)}?signedUp=1`)
  })

  app.post<{ Params: { id: string } }>(paths.eventAttendance.pattern, async (request, reply) => {
    const raw = ((request.body ?? {}) as Body).attended
    const attended = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String)
    if (!(await events.recordAttendance(signedInActor(request), request.params.id, attended)))
      throw notFound()
    return reply.redirect(`${paths.event.build(request.params.id)}?attendance=1`)
  })

  app.post<{ Params: { id: string } }>(paths.eventQuestions.pattern, async (request, reply) => {
    const body = (request.body ?? {}) as Body
    const result = await events.addQuestion(
      signedInActor(request),
      request.params.id,
      field(body, 'question'),
      field(body, 'answer'),
    )
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'resource-pack/views/event.njk',
        await eventView(request, request.params.id, {
          errors: result.errors,
          errorList: errorSummary(result.errors),
          values: body,
        }),
      )
    return reply.redirect(paths.event.build(request.params.id))
  })

  app.post<{ Params: { id: string; questionId: string } }>(
    paths.eventQuestionToFaq.pattern,
    async (request, reply) => {
      const body = (request.body ?? {}) as Body
      const result = await events.questionToFaq(
        signedInActor(request),
        request.params.id,
        request.params.questionId,
        {
          category: field(body, 'category'),
          question: field(body, 'question'),
          answer: field(body, 'answer'),
        },
      )
      if (!result) throw notFound()
      if (!result.ok)
        return reply.code(400).render(
          'resource-pack/views/event.njk',
          await eventView(request, request.params.id, {
            faqErrors: result.errors,
            errorList: errorSummary(result.errors),
          }),
        )
      return reply.redirect(`${paths.event.build(request.params.id)}?faq=1`)
    },
  )
}
