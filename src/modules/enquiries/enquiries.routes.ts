import type { FastifyInstance } from 'fastify'
import { contactCategoryNames } from '../../domain/contact-categories.ts'
import { csvText } from '../../domain/csv.ts'
import { partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import {
  enquiryChannelNames,
  enquiryStatuses,
  enquiryStatusNames,
  enquiryTargetToChange,
  mayAskEnquiries,
  mayWorkEnquiries,
} from './domain/enquiry.rules.ts'
import { maxTargetWorkingDays, minTargetWorkingDays } from './domain/working-days.ts'
import { enquiriesPaths as paths } from './enquiries.paths.ts'
import {
  askFormFrom,
  logFormFrom,
  responseFormFrom,
  statusFormFrom,
  targetFormFrom,
} from './enquiries.schemas.ts'
import type { EnquiryService } from './enquiries.service.ts'
import {
  categoryOptions,
  categoryRadios,
  names,
  selectItems,
  trendWeeksLatestFirst,
} from './enquiries.view-model.ts'
import { trendChartSvg } from './trend-chart.ts'

const pageSize = 25

export async function enquiryRoutes(app: FastifyInstance, deps: { enquiries: EnquiryService }) {
  const { enquiries } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.enquiries.pattern, async (request, reply) => {
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
      categoryItems: categoryOptions('Any category', filter.category),
      overdueItems: [{ value: 'yes', text: 'Overdue only', checked: filter.overdue === 'yes' }],
      enquiries: result.enquiries,
      pagination: pagination(paths.enquiries.build(), filter, page, pageSize, result.total),
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

  app.get(paths.newEnquiry.pattern, async (request, reply) => {
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

  app.post(paths.newEnquiry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const locations = await enquiries.askFormFor(actor)
    if (locations) {
      const form = askFormFrom(request.body)
      const { action, ...values } = form.ok
        ? form.value
        : { action: '', locationId: '', category: '', question: '' }
      const targetDays = await enquiries.askTargetDays(actor, values.locationId)
      // Check your answers first; "Change" goes back to the form with what was typed.
      if (form.ok && action === 'change')
        return reply.render('enquiries/views/ask.njk', { ...askView(locations, values), targetDays })
      const result = !form.ok
        ? form
        : action === 'send'
          ? await enquiries.ask(actor, values)
          : await enquiries.prepareAsk(actor, values)
      if (!result) throw notFound()
      if (!result.ok)
        return reply
          .code(400)
          .render('enquiries/views/ask.njk', { ...askView(locations, values, result.errors), targetDays })
      if ('reference' in result.value)
        return reply.redirect(`${paths.enquiry.build(result.value.id)}?asked=1`)
      return reply.render('enquiries/views/check-ask.njk', {
        pageTitle: 'Check your question before sending it',
        values,
        checked: result.value,
        targetDays,
        ...names,
      })
    }
    const form = logFormFrom(request.body)
    const locationId = form.ok
      ? form.value.locationId
      : text((request.body as Record<string, unknown>)?.locationId)
    const location = await enquiries.logFormFor(actor, locationId)
    if (!location) throw notFound()
    const result = form.ok ? await enquiries.log(actor, locationId, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('enquiries/views/log.njk', logView(location, form.ok ? form.value : {}, result.errors))
    return reply.redirect(`${paths.enquiry.build(result.value.id)}?logged=1`)
  })

  app.get(paths.enquiryTrends.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const table = await enquiries.trends(actor)
    if (!table) throw notFound()
    return reply.render('enquiries/views/trends.njk', {
      pageTitle: 'Enquiry trends',
      table,
      weeks: trendWeeksLatestFirst(table),
      chart: trendChartSvg(table),
      ...names,
    })
  })

  app.get(paths.enquiryTrendsCsv.pattern, async (request, reply) => {
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
  app.get(paths.enquirySettings.pattern, async (request, reply) => {
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

  app.post(paths.enquirySettings.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = targetFormFrom(request.body)
    const days = form.ok ? form.value.days : ''
    const requested = text((request.query as Record<string, unknown>).council)
    const result = form.ok ? await enquiries.setTargetWorkingDays(actor, days, requested) : form
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
    return reply.redirect(`${paths.enquirySettings.build()}?saved=1`)
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

  app.get<{ Params: { id: string } }>(paths.enquiry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render(
      'enquiries/views/enquiry.njk',
      await enquiryPage(actor, request.params.id, { flash: request.query }),
    )
  })

  app.post<{ Params: { id: string } }>(paths.respondToEnquiry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = responseFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await enquiries.respond(actor, request.params.id, form.value) : form
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
      `${paths.enquiry.build(request.params.id)}?${result.value.emailed ? 'responded=1' : 'recorded=1'}`,
    )
  })

  app.post<{ Params: { id: string } }>(paths.changeEnquiry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = statusFormFrom(request.body)
    const result = form.ok ? await enquiries.changeStatus(actor, request.params.id, form.value) : form
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
    return reply.redirect(`${paths.enquiry.build(request.params.id)}?changed=1`)
  })
}
