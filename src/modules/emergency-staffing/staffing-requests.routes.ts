import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { staffingPaths as paths } from './emergency-staffing.paths.ts'
import { closeFormFrom, requestFormFrom } from './emergency-staffing.schemas.ts'
import {
  balanceWords,
  hoursWords,
  money,
  names,
  reasonRadios,
  roleOptions,
  shiftNumbers,
  shiftWords,
  urgencyRadios,
} from './emergency-staffing.view-model.ts'
import { shiftsChart } from './staffing-figures.ts'
import type { StaffingRequestService } from './staffing-requests.service.ts'
import type { StaffingTeamService } from './staffing-team.service.ts'

// Staffing requests: made (with a check-your-answers page), listed, read and closed; the figures.
export async function staffingRequestRoutes(
  app: FastifyInstance,
  deps: { requests: StaffingRequestService; team: StaffingTeamService },
) {
  const { requests, team } = deps
  app.addHook('preHandler', requireSignIn)
  const view = { ...names, balanceWords, shiftWords, hoursWords, money }

  const formView = (
    location: { id: string; name: string },
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    ...view,
    pageTitle: `Request emergency staff for ${location.name}`,
    location,
    values,
    errors,
    shiftNumbers,
    reasonItems: reasonRadios(values.reason ?? ''),
    urgencyItems: urgencyRadios(values.urgency ?? ''),
    roleItems: (n: number) => roleOptions(values[`shift${n}Role`] ?? ''),
    errorList: errors
      ? errorSummary(errors, [
          'reason',
          'urgency',
          ...shiftNumbers.flatMap((n) =>
            ['Role', 'Date', 'Start', 'End', 'People'].map((f) => `shift${n}${f}`),
          ),
          'details',
        ]).map((e) => (/Date$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e))
      : undefined,
  })

  app.get(paths.staffingRequests.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const status = text((request.query as Record<string, unknown>).status)
    const rows = await requests.list(actor, { status })
    if (!rows) throw notFound()
    return reply.render('emergency-staffing/views/requests.njk', {
      ...view,
      pageTitle: 'Emergency staffing requests',
      rows,
      status,
      team: await requests.inTeam(actor),
      teamPage: await team.mayChange(actor),
      council: actor.organisationKind === 'council',
    })
  })

  app.get(paths.newStaffingRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const location = await requests.requestFormFor(
      actor,
      text((request.query as Record<string, unknown>).locationId),
    )
    if (!location) throw notFound()
    return reply.render(
      'emergency-staffing/views/request-form.njk',
      formView(location, { shift1People: '1' }),
    )
  })

  app.post(paths.newStaffingRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = requestFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const action = values.action ?? ''
    const location = await requests.requestFormFor(actor, values.locationId ?? '')
    if (!location || !form.ok) throw notFound()
    if (action === 'change')
      return reply.render('emergency-staffing/views/request-form.njk', formView(location, values))
    const result = await requests.makeRequest(actor, location.id, values, action === 'send')
    if (!result) throw notFound()
    if (!result.checked.ok)
      return reply
        .code(400)
        .render(
          'emergency-staffing/views/request-form.njk',
          formView(location, values, result.checked.errors),
        )
    if (result.saved) return reply.redirect(`${paths.staffingRequest.build(result.saved.id)}?made=1`)
    return reply.render('emergency-staffing/views/check-request.njk', {
      ...view,
      pageTitle: 'Check the request before sending it',
      location,
      values,
      checked: result.checked.value,
    })
  })

  const requestPage = async (
    id: string,
    actor: ReturnType<typeof signedInActor>,
    extra: Record<string, unknown> = {},
  ) => {
    const found = await requests.get(actor, id)
    if (!found) throw notFound()
    return {
      ...view,
      ...found,
      pageTitle: `Staffing request ${found.request.reference}`,
      ...extra,
    }
  }

  app.get(paths.staffingRequest.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    return reply.render(
      'emergency-staffing/views/request.njk',
      await requestPage(id, signedInActor(request), { flash: request.query }),
    )
  })

  app.post(paths.closeStaffingRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const form = closeFormFrom(request.body)
    const reason = form.ok ? form.value.outcomeReason : ''
    const result = await requests.close(actor, id, reason)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'emergency-staffing/views/request.njk',
        await requestPage(id, actor, {
          errors: result.errors,
          errorList: errorSummary(result.errors),
          values: { outcomeReason: reason },
        }),
      )
    return reply.redirect(`${paths.staffingRequest.build(id)}?closed=1`)
  })

  app.get(paths.staffingFigures.pattern, async (request, reply) => {
    const weeks = await requests.figures(signedInActor(request))
    if (!weeks) throw notFound()
    return reply.render('emergency-staffing/views/figures.njk', {
      ...view,
      pageTitle: 'Emergency staffing by week',
      weeks,
      chart: shiftsChart(weeks),
      totals: {
        requests: weeks.reduce((n, w) => n + w.requests, 0),
        hoursRequested: weeks.reduce((n, w) => n + w.hoursRequested, 0),
        hoursFilled: weeks.reduce((n, w) => n + w.hoursFilled, 0),
      },
    })
  })
}
