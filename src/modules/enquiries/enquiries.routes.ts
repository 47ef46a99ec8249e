import type { FastifyInstance } from 'fastify'
import { contactCategories, contactCategoryNames } from '../../domain/contact-log/categories.ts'
import { csvText } from '../../domain/csv.ts'
import { partsFromIsoDate } from '../../domain/dates.ts'
import {
  enquiryChannelNames,
  enquiryStatuses,
  enquiryStatusNames,
  enquiryTargetToChange,
  mayAskEnquiries,
  mayReadEnquiries,
  mayWorkEnquiries,
} from '../../domain/enquiries/enquiry.rules.ts'
import { maxTargetWorkingDays, minTargetWorkingDays } from '../../domain/enquiries/working-days.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { toFirstDateField } from '../contact-log/contact-log.routes.ts'
import type { EnquiryService } from './enquiries.service.ts'
import { trendChartSvg } from './trend-chart.ts'

const pageSize = 25

const names = { contactCategoryNames, enquiryStatusNames, enquiryChannelNames }

const categoryRadios = (selected: string) =>
  contactCategories.map((c) => ({ value: c, text: contactCategoryNames[c], checked: c === selected }))

const selectItems = (pairs: [string, string][], selected: string) =>
  pairs.map(([value, label]) => ({ value, text: label, selected: value === selected }))

export async function enquiryRoutes(app: FastifyInstance, deps: { enquiries: EnquiryService }) {
  const { enquiries } = deps
  app.addHook('preHandler', requireSignIn)

  app.get('/enquiries', async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const filter = {
      status: text(query.status),
      category: text(query.category),
      overdue: text(query.overdue),
    }
    const page = pageNumber(query.page)
    const result = await enquiries.list(actor, { ...filter, page, pageSize })
    if (!result) throw notFound()
    const isProvider = actor.role === 'provider_manager'
    return reply.render('enquiries/views/enquiries.njk', {
      pageTitle: isProvider ? 'Your questions' : 'Enquiries',
      isProvider,
      mayWork: mayWorkEnquiries(actor),
      mayAsk: mayAskEnquiries(actor),
      mayChangeTarget: enquiryTargetToChange(actor) !== null,
      filter,
      statusItems: selectItems(
        [['', 'Any status'], ...enquiryStatuses.map((s) => [s, enquiryStatusNames[s]] as [string, string])],
        filter.status,
      ),
      categoryItems: selectItems(
        [
          ['', 'Any category'],
          ...contactCategories.map((c) => [c, contactCategoryNames[c]] as [string, string]),
        ],
        filter.category,
      ),
      overdueItems: [{ value: 'yes', text: 'Overdue only', checked: filter.overdue === 'yes' }],
      enquiries: result.enquiries,
      pagination: pagination(paths.enquiries(), filter, page, pageSize, result.total),
      targetDays: await enquiries.targetDaysFor(actor),
      flash: request.query,
      ...names,
    })
  })

  // A provider manager asks; an officer logs one taken by phone or e-mail, for a location.
  const askView = (
    locations: { id: string; name: string }[],
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    pageTitle: 'Ask the council a question',
    values,
    locationItems:
      locations.length === 1
        ? undefined
        : [
            { value: '', text: 'Choose a location' },
            ...locations.map((l) => ({ value: l.id, text: l.name, selected: l.id === values.locationId })),
          ],
    singleLocation: locations.length === 1 ? locations[0] : undefined,
    categoryItems: categoryRadios(values.category ?? ''),
    errors,
    errorList: errors ? errorSummary(errors, ['locationId', 'category', 'question']) : undefined,
  })

  const logView = (
    location: { id: string; name: string },
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    pageTitle: `Log an enquiry from ${location.name}`,
    location,
    values,
    channelItems: (['phone', 'email'] as const).map((c) => ({
      value: c,
      text: enquiryChannelNames[c],
      checked: values.channel === c,
    })),
    categoryItems: categoryRadios(values.category ?? ''),
    errors,
    errorList: errors
      ? toFirstDateField(
          errorSummary(errors, ['channel', 'askedByName', 'receivedDate', 'category', 'question']),
        )
      : undefined,
  })

  app.get('/enquiries/new', async (request, reply) => {
    const actor = signedInActor(request)
    const locationId = text((request.query as Record<string, unknown>).locationId)
    const locations = await enquiries.askFormFor(actor)
    if (locations) {
      const chosen = locationId || (locations.length === 1 ? locations[0]!.id : '')
      return reply.render('enquiries/views/ask.njk', {
        ...askView(locations, { locationId: chosen }),
        targetDays: await enquiries.askTargetDays(actor, chosen),
      })
    }
    if (!mayWorkEnquiries(actor)) throw notFound()
    if (!locationId)
      return reply.render('enquiries/views/choose-location.njk', { pageTitle: 'Log an enquiry' })
    const location = await enquiries.logFormFor(actor, locationId)
    if (!location) throw notFound()
    const today = partsFromIsoDate(enquiries.today())
    return reply.render(
      'enquiries/views/log.njk',
      logView(location, { receivedDay: today.day, receivedMonth: today.month, receivedYear: today.year }),
    )
  })

  app.post('/enquiries/new', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const locations = await enquiries.askFormFor(actor)
    if (locations) {
      const values = {
        locationId: text(body.locationId),
        category: text(body.category),
        question: text(body.question),
      }
      const targetDays = await enquiries.askTargetDays(actor, values.locationId)
      // Check your answers first; "Change" goes back to the form with what was typed.
      if (text(body.action) === 'change')
        return reply.render('enquiries/views/ask.njk', { ...askView(locations, values), targetDays })
      const result =
        text(body.action) === 'send'
          ? await enquiries.ask(actor, values)
          : await enquiries.prepareAsk(actor, values)
      if (!result) throw notFound()
      if (!result.ok)
        return reply
          .code(400)
          .render('enquiries/views/ask.njk', { ...askView(locations, values, result.errors), targetDays })
      if ('reference' in result.value) return reply.redirect(`${paths.enquiry(result.value.id)}?asked=1`)
      return reply.render('enquiries/views/check-ask.njk', {
        pageTitle: 'Check your question before sending it',
        values,
        checked: result.value,
        targetDays,
        ...names,
      })
    }
    const locationId = text(body.locationId)
    const location = await enquiries.logFormFor(actor, locationId)
    if (!location) throw notFound()
    const values = {
      channel: text(body.channel),
      askedByName: text(body.askedByName),
      receivedDay: text(body['receivedDate-day']),
      receivedMonth: text(body['receivedDate-month']),
      receivedYear: text(body['receivedDate-year']),
      category: text(body.category),
      question: text(body.question),
    }
    const result = await enquiries.log(actor, locationId, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('enquiries/views/log.njk', logView(location, values, result.errors))
    return reply.redirect(`${paths.enquiry(result.value.id)}?logged=1`)
  })

  app.get('/enquiries/trends', async (request, reply) => {
    const actor = signedInActor(request)
    const table = await enquiries.trends(actor)
    if (!table) throw notFound()
    return reply.render('enquiries/views/trends.njk', {
      pageTitle: 'Enquiry trends',
      table,
      chart: trendChartSvg(table),
      ...names,
    })
  })

  app.get('/enquiries/trends.csv', async (request, reply) => {
    const actor = signedInActor(request)
    const table = await enquiries.trends(actor)
    if (!table) throw notFound()
    const csv = csvText([
      ['Category', ...table.weeks.map((w) => `Week of ${w}`), 'Total'],
      ...table.rows.map((r) => [contactCategoryNames[r.category], ...r.counts, r.total]),
      ['All categories', ...table.weekTotals, table.total],
    ])
    reply.header('content-disposition', `attachment; filename="enquiry-trends-${table.weeks.at(-1)}.csv"`)
    return reply.type('text/csv; charset=utf-8').send(csv)
  })

  // A council's administrator sets the council's target; the install administrator the default.
  app.get('/enquiries/settings', async (request, reply) => {
    const requested = text((request.query as Record<string, unknown>).council)
    const target = await enquiries.targetToChange(signedInActor(request), requested)
    if (!target) throw notFound()
    return reply.render('enquiries/views/settings.njk', {
      pageTitle: 'Enquiry target time',
      isInstallDefault: target.councilId === null,
      values: { days: String(target.days) },
      min: minTargetWorkingDays,
      max: maxTargetWorkingDays,
      flash: request.query,
    })
  })

  app.post('/enquiries/settings', async (request, reply) => {
    const actor = signedInActor(request)
    const days = text((request.body as Record<string, unknown>).days)
    const requested = text((request.query as Record<string, unknown>).council)
    const result = await enquiries.setTargetWorkingDays(actor, days, requested)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('enquiries/views/settings.njk', {
        pageTitle: 'Enquiry target time',
        isInstallDefault: enquiryTargetToChange(actor)?.councilId === null,
        values: { days },
        min: minTargetWorkingDays,
        max: maxTargetWorkingDays,
        errors: result.errors,
        errorList: errorSummary(result.errors),
        flash: {},
      })
    return reply.redirect(`${paths.enquirySettings()}?saved=1`)
  })

  const enquiryPage = async (
    actor: ReturnType<typeof signedInActor>,
    id: string,
    extra: Record<string, unknown> = {},
  ) => {
    const found = await enquiries.get(actor, id)
    if (!found) throw notFound()
    const e = found.enquiry
    return {
      pageTitle: `Enquiry ${e.reference}`,
      ...found,
      isProvider: actor.role === 'provider_manager',
      statusItems: enquiryStatuses.map((s) => ({
        value: s,
        text: enquiryStatusNames[s],
        selected: s === e.status,
      })),
      ownerItems: [
        { value: '', text: 'No owner' },
        ...found.owners.map((o) => ({
          value: o.id,
          text: o.id === actor.userId ? `${o.displayName} (you)` : o.displayName,
          selected: o.id === e.ownerUserId,
        })),
      ],
      values: {},
      ...names,
      ...extra,
    }
  }

  app.get<{ Params: { id: string } }>('/enquiries/:id', async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render(
      'enquiries/views/enquiry.njk',
      await enquiryPage(actor, request.params.id, { flash: request.query }),
    )
  })

  app.post<{ Params: { id: string } }>('/enquiries/:id/respond', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const values = { response: text(body.response), sendTo: text(body.sendTo) }
    const result = await enquiries.respond(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'enquiries/views/enquiry.njk',
        await enquiryPage(actor, request.params.id, {
          values,
          errors: result.errors,
          errorList: errorSummary(result.errors, ['response', 'sendTo']),
          flash: {},
        }),
      )
    return reply.redirect(
      `${paths.enquiry(request.params.id)}?${result.value.emailed ? 'responded=1' : 'recorded=1'}`,
    )
  })

  app.post<{ Params: { id: string } }>('/enquiries/:id/status', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const values = { status: text(body.status), ownerUserId: text(body.ownerUserId) }
    const result = await enquiries.changeStatus(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'enquiries/views/enquiry.njk',
        await enquiryPage(actor, request.params.id, {
          errors: result.errors,
          errorList: errorSummary(result.errors, ['status', 'ownerUserId']),
          flash: {},
        }),
      )
    return reply.redirect(`${paths.enquiry(request.params.id)}?changed=1`)
  })

  const faqFormView = (
    action: string,
    back: string,
    values: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) => ({
    action,
    back,
    values,
    categoryItems: categoryRadios(values.category ?? ''),
    ...extra,
  })

  app.get<{ Params: { id: string } }>('/enquiries/:id/faq', async (request, reply) => {
    const actor = signedInActor(request)
    const context = await enquiries.faqFormFor(actor, request.params.id)
    if (!context) throw notFound()
    return reply.render(
      'enquiries/views/faq-form.njk',
      faqFormView(paths.enquiryToFaq(request.params.id), paths.enquiry(request.params.id), context.values, {
        pageTitle: 'Add this answer to the FAQ',
        fromEnquiry: context.enquiry.reference,
      }),
    )
  })

  app.post<{ Params: { id: string } }>('/enquiries/:id/faq', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const values = { category: text(body.category), question: text(body.question), answer: text(body.answer) }
    const result = await enquiries.createFaqFromEnquiry(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const context = (await enquiries.faqFormFor(actor, request.params.id))!
      return reply.code(400).render(
        'enquiries/views/faq-form.njk',
        faqFormView(paths.enquiryToFaq(request.params.id), paths.enquiry(request.params.id), values, {
          pageTitle: 'Add this answer to the FAQ',
          fromEnquiry: context.enquiry.reference,
          errors: result.errors,
          errorList: errorSummary(result.errors, ['category', 'question', 'answer']),
        }),
      )
    }
    return reply.redirect(`${paths.faqEntry(result.value.id)}?created=1`)
  })

  app.get('/faq', async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const search = { q: text(query.q).slice(0, 200), category: text(query.category) }
    const entries = await enquiries.searchFaq(actor, search)
    return reply.render('enquiries/views/faq.njk', {
      pageTitle: 'Frequently asked questions',
      search,
      searched: Boolean(search.q || search.category),
      categoryItems: selectItems(
        [
          ['', 'All categories'],
          ...contactCategories.map((c) => [c, contactCategoryNames[c]] as [string, string]),
        ],
        search.category,
      ),
      entries,
      mayAsk: mayAskEnquiries(actor),
      ...names,
    })
  })

  app.get<{ Params: { id: string } }>('/faq/:id', async (request, reply) => {
    const actor = signedInActor(request)
    const found = await enquiries.faqEntry(actor, request.params.id)
    if (!found) throw notFound()
    return reply.render('enquiries/views/faq-entry.njk', {
      pageTitle: found.entry.question.slice(0, 80),
      ...found,
      mayReadEnquiries: mayReadEnquiries(actor),
      flash: request.query,
      ...names,
    })
  })

  app.get<{ Params: { id: string } }>('/faq/:id/edit', async (request, reply) => {
    const actor = signedInActor(request)
    const found = await enquiries.faqEntry(actor, request.params.id)
    if (!found?.mayEdit) throw notFound()
    const e = found.entry
    return reply.render(
      'enquiries/views/faq-form.njk',
      faqFormView(
        paths.editFaqEntry(e.id),
        paths.faqEntry(e.id),
        {
          category: e.category,
          question: e.question,
          answer: e.answer,
          published: e.published ? 'yes' : 'no',
        },
        { pageTitle: 'Change an FAQ entry', isEdit: true },
      ),
    )
  })

  app.post<{ Params: { id: string } }>('/faq/:id/edit', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const values = {
      category: text(body.category),
      question: text(body.question),
      answer: text(body.answer),
      published: text(body.published),
    }
    const result = await enquiries.updateFaqEntry(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'enquiries/views/faq-form.njk',
        faqFormView(paths.editFaqEntry(request.params.id), paths.faqEntry(request.params.id), values, {
          pageTitle: 'Change an FAQ entry',
          isEdit: true,
          errors: result.errors,
          errorList: errorSummary(result.errors, ['category', 'question', 'answer']),
        }),
      )
    return reply.redirect(`${paths.faqEntry(request.params.id)}?saved=1`)
  })
}
