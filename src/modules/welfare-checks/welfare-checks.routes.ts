import type { FastifyInstance } from 'fastify'
import { partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { errorSummary, text, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import {
  checkStateNames,
  contactWithinHours,
  vulnerabilityFlags,
  welfareOutcomeNames,
  welfareOutcomes,
} from './domain/welfare.rules.ts'
import { welfarePaths as paths } from './welfare-checks.paths.ts'
import {
  assignFormFrom,
  cancellationFormFrom,
  grantFormFrom,
  outcomeFormFrom,
  personFormFrom,
} from './welfare-checks.schemas.ts'
import type { WelfareService } from './welfare-checks.service.ts'

type Errors = Record<string, string>

// Welfare checks' pages. Anyone the service refuses (null) gets 404, so a page's existence is not given away.
// retentionDays: how long personal data is kept after a check ends (RETENTION_WELFARE_DAYS), as the pages say.
export async function welfareRoutes(
  app: FastifyInstance,
  deps: { welfare: WelfareService; retentionDays: number },
) {
  const { welfare, retentionDays } = deps
  const names = { welfareOutcomeNames, checkStateNames, retentionDays }
  app.addHook('preHandler', requireSignIn)

  app.get(paths.welfare.pattern, async (request, reply) => {
    const result = await welfare.list(signedInActor(request))
    if (!result) throw notFound()
    return reply.render('welfare-checks/views/welfare.njk', {
      pageTitle: 'Welfare checks',
      ...result,
      ...names,
    })
  })

  const cancellationView = (
    found: NonNullable<Awaited<ReturnType<WelfareService['cancellation']>>>,
    extra: {
      personValues?: Record<string, unknown>
      personErrors?: Errors
      assignErrors?: Errors
      flash?: unknown
    },
  ) => {
    const personValues = extra.personValues ?? {}
    const flags = (personValues.flags as string[] | undefined) ?? []
    const open = found.people.filter((p) => !p.finishedAt)
    return {
      pageTitle: `Cancelled visits: ${found.cancellation.locationName}`,
      ...found,
      ...names,
      personValues,
      personErrors: extra.personErrors,
      assignErrors: extra.assignErrors,
      errorList: [
        ...(extra.personErrors
          ? errorSummary(extra.personErrors, ['reference', 'initials', 'area', 'flags'])
          : []),
        ...(extra.assignErrors ? errorSummary(extra.assignErrors, ['personIds', 'officerId']) : []),
      ],
      flagItems: vulnerabilityFlags.map((f) => ({ ...f, checked: flags.includes(f.value) })),
      assignItems: open.map((p) => ({
        value: p.id,
        text: `${p.reference} (${p.initials})`,
        hint: { text: p.assignedToName ? `Assigned to ${p.assignedToName}` : 'Not assigned' },
      })),
      officerItems: [
        { value: '', text: 'Choose an officer' },
        ...found.officers.map((o) => ({ value: o.id, text: o.displayName })),
      ],
      flash: extra.flash ?? {},
    }
  }

  app.get(paths.welfareCancellation.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await welfare.cancellation(signedInActor(request), id)
    if (!found) throw notFound()
    return reply.render(
      'welfare-checks/views/cancellation.njk',
      cancellationView(found, { flash: flashFrom(request.query) }),
    )
  })

  app.post(paths.welfarePeople.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const form = personFormFrom(request.body)
    const values = form.ok ? form.value : { reference: '', initials: '', area: '', flags: [] }
    const result = await welfare.addPerson(actor, id, values)
    if (!result) throw notFound()
    if (!form.ok || !result.ok) {
      const errors = !form.ok ? form.errors : 'errors' in result ? result.errors : {}
      return reply
        .code(400)
        .render(
          'welfare-checks/views/cancellation.njk',
          cancellationView(result.found, { personValues: values, personErrors: errors }),
        )
    }
    return reply.redirect(`${paths.welfareCancellation.build(id)}?listed=1#people`, 303)
  })

  app.post(paths.assignWelfareChecks.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = assignFormFrom(request.body)
    const values = form.ok ? form.value : { personIds: [], officerId: '' }
    const result = await welfare.assign(signedInActor(request), id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'welfare-checks/views/cancellation.njk',
          cancellationView(result.found, { assignErrors: result.errors }),
        )
    return reply.redirect(`${paths.welfareCancellation.build(id)}?assigned=${result.assigned}#people`, 303)
  })

  const checkView = (
    found: NonNullable<Awaited<ReturnType<WelfareService['check']>>>,
    values: Record<string, string>,
    errors?: Errors,
    flash: unknown = {},
  ) => ({
    pageTitle: `Welfare check ${found.person.reference ?? ''}`.trim(),
    ...found,
    ...names,
    values,
    errors,
    errorList: errors
      ? toFirstDateField(errorSummary(errors, ['outcome', 'outcomeDate', 'note']))
      : undefined,
    outcomeItems: welfareOutcomes.map((o) => ({
      value: o,
      text: welfareOutcomeNames[o],
      checked: values.outcome === o,
    })),
    contactHours: contactWithinHours(found.person),
    flash,
  })

  app.get(paths.welfareCheck.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await welfare.check(signedInActor(request), id)
    if (!found) throw notFound()
    const today = partsFromIsoDate(welfare.today())
    return reply.render(
      'welfare-checks/views/check.njk',
      checkView(
        found,
        { outcomeDay: today.day, outcomeMonth: today.month, outcomeYear: today.year },
        undefined,
        request.query,
      ),
    )
  })

  app.post(paths.welfareOutcome.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = outcomeFormFrom(request.body)
    const blank = { outcome: '', note: '', outcomeDate: { day: '', month: '', year: '' } }
    const result = await welfare.outcome(signedInActor(request), id, form.ok ? form.value : blank)
    if (!result) throw notFound()
    if (!form.ok || !result.ok) {
      const f = form.ok ? form.value : blank
      const values = {
        outcome: f.outcome,
        note: f.note,
        outcomeDay: f.outcomeDate.day,
        outcomeMonth: f.outcomeDate.month,
        outcomeYear: f.outcomeDate.year,
      }
      const errors = !form.ok ? form.errors : 'errors' in result ? result.errors : {}
      return reply.code(400).render('welfare-checks/views/check.njk', checkView(result.found, values, errors))
    }
    return reply.redirect(`${paths.welfareCheck.build(id)}?recorded=1`, 303)
  })

  // An officer records a provider's cancellations (told by telephone, say), for a home-care location.
  const newCancellationView = (
    location: { id: string; name: string },
    values: Record<string, string>,
    errors?: Errors,
  ) => ({
    pageTitle: `Record cancelled visits: ${location.name}`,
    location,
    values,
    errors,
    errorList: errors
      ? toFirstDateField(errorSummary(errors, ['visitsCancelled', 'cancelledDate']))
      : undefined,
  })

  app.get(paths.newWelfareCancellation.pattern, async (request, reply) => {
    const locationId = text((request.query as Record<string, unknown>).locationId)
    const location = await welfare.locationForCancellation(signedInActor(request), locationId)
    if (!location) throw notFound()
    const today = partsFromIsoDate(welfare.today())
    return reply.render(
      'welfare-checks/views/new-cancellation.njk',
      newCancellationView(location, {
        cancelledDay: today.day,
        cancelledMonth: today.month,
        cancelledYear: today.year,
      }),
    )
  })

  app.post(paths.newWelfareCancellation.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = cancellationFormFrom(request.body)
    const locationId = text((request.body as Record<string, unknown> | undefined)?.locationId)
    const location = await welfare.locationForCancellation(actor, locationId)
    if (!location) throw notFound()
    const blank = { visitsCancelled: '', cancelledDate: { day: '', month: '', year: '' } }
    const f = form.ok ? form.value : blank
    const result = await welfare.recordCancellation(actor, locationId, f)
    if (!result) throw notFound()
    if (!form.ok || !result.ok) {
      const errors = !form.ok ? form.errors : !result.ok ? result.errors : {}
      const values = {
        visitsCancelled: f.visitsCancelled,
        cancelledDay: f.cancelledDate.day,
        cancelledMonth: f.cancelledDate.month,
        cancelledYear: f.cancelledDate.year,
      }
      return reply
        .code(400)
        .render('welfare-checks/views/new-cancellation.njk', newCancellationView(location, values, errors))
    }
    return reply.redirect(`${paths.welfareCancellation.build(result.value.id)}?recorded=1`, 303)
  })

  // The council administrator's page: who holds the welfare grant.
  app.get(paths.welfareAccess.pattern, async (request, reply) => {
    const candidates = await welfare.grants(signedInActor(request))
    if (!candidates) throw notFound()
    return reply.render('welfare-checks/views/access.njk', {
      pageTitle: 'Who can see welfare checks',
      candidates,
      flash: request.query,
    })
  })

  app.post(paths.welfareAccess.pattern, async (request, reply) => {
    const form = grantFormFrom(request.body)
    const actor = signedInActor(request)
    if (!form.ok || !['yes', 'no'].includes(form.value.give)) throw notFound()
    const result = await welfare.setGrant(actor, form.value.userId, form.value.give === 'yes')
    if (!result) throw notFound()
    return reply.redirect(`${paths.welfareAccess.build()}?${result.give ? 'given' : 'removed'}=1`, 303)
  })
}
