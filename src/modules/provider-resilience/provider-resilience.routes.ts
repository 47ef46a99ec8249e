import type { FastifyInstance } from 'fastify'
import { partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { directoryPaths } from '../directory/index.ts'
import { fundingKinds } from './domain/resilience.rules.ts'
import { resiliencePaths as paths } from './provider-resilience.paths.ts'
import { planFormFrom, resilienceFormFrom, reviewFormFrom } from './provider-resilience.schemas.ts'
import type { ResilienceService } from './provider-resilience.service.ts'

type Errors = Record<string, string>
type Values = Record<string, string>

// A form's posted fields, as its page shows them again.
const posted = (body: unknown): Values =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : '',
    ]),
  )
const dateValues = (name: string, iso: string | null | undefined): Values => {
  const p = partsFromIsoDate(iso ?? null)
  return { [`${name}-day`]: p.day, [`${name}-month`]: p.month, [`${name}-year`]: p.year }
}
const summary = (errors: Errors | undefined, order: string[]) =>
  errors ? toFirstDateField(errorSummary(errors, order)) : undefined

const resilienceOrder = [
  'planReference',
  'planReviewedDate',
  'planReviewDueDate',
  'planGaps',
  ...fundingKinds.map((k) => k.key),
  'contingencyProvider',
  'financialConcern',
]

const atRiskPageSize = 20

// Providers at risk, a location's resilience, and protection plans. A null from the service is a 404.
export async function resilienceRoutes(app: FastifyInstance, deps: { resilience: ResilienceService }) {
  const { resilience } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.providersAtRisk.pattern, async (request, reply) => {
    const result = await resilience.providersAtRisk(signedInActor(request))
    if (!result) throw notFound()
    // The most at risk come first; an officer works down the list a page at a time.
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const from = (page - 1) * atRiskPageSize
    return reply.render('provider-resilience/views/providers-at-risk.njk', {
      pageTitle: page > 1 ? `Providers at risk (page ${page})` : 'Providers at risk',
      ...result,
      total: result.rows.length,
      rows: result.rows.slice(from, from + atRiskPageSize),
      pagination: pagination(paths.providersAtRisk.build(), {}, page, atRiskPageSize, result.rows.length),
    })
  })

  const resilienceView = (
    found: NonNullable<Awaited<ReturnType<ResilienceService['resilience']>>>,
    values: Values,
    errors?: Errors,
  ) => ({
    pageTitle: `Business continuity: ${found.location.name}`,
    ...found,
    values,
    errors,
    fundingKinds,
    errorList: summary(errors, resilienceOrder),
  })

  app.get(paths.locationResilience.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await resilience.resilience(signedInActor(request), id)
    if (!found?.mayWrite) throw notFound()
    const r = found.record
    const values: Values = {
      planReference: r?.planReference ?? '',
      planGaps: r?.planGaps ?? '',
      contingencyProvider: r?.contingencyProvider ?? '',
      financialConcern: r?.financialConcern ?? '',
      ...Object.fromEntries(fundingKinds.map(({ key }) => [key, r?.[key] == null ? '' : String(r[key])])),
      ...dateValues('planReviewedDate', r?.planReviewedOn),
      ...dateValues('planReviewDueDate', r?.planReviewDue),
    }
    return reply.render('provider-resilience/views/resilience-form.njk', resilienceView(found, values))
  })

  app.post(paths.locationResilience.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = resilienceFormFrom(request.body)
    if (!form.ok) throw notFound()
    const result = await resilience.recordResilience(signedInActor(request), id, form.value)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'provider-resilience/views/resilience-form.njk',
          resilienceView(result.found, posted(request.body), result.errors),
        )
    return reply.redirect(`${directoryPaths.location.build(id)}?resilience=1#resilience`, 303)
  })

  const planFormView = (found: { id: string; locationName: string }, values: Values, errors?: Errors) => ({
    pageTitle: `Open a protection plan: ${found.locationName}`,
    caseRecord: found,
    values,
    errors,
    errorList: summary(errors, ['triggeringIndicators', 'measures', 'monitoredBy', 'nextReviewDate']),
  })

  app.get(paths.newProtectionPlan.pattern, async (request, reply) => {
    const caseId = text((request.query as Record<string, unknown>).caseId)
    const found = await resilience.caseToPlanFrom(signedInActor(request), caseId)
    if (!found) throw notFound()
    return reply.render('provider-resilience/views/new-plan.njk', planFormView(found, {}))
  })

  app.post(paths.newProtectionPlan.pattern, async (request, reply) => {
    const caseId = text((request.body as Record<string, unknown> | undefined)?.caseId)
    const form = planFormFrom(request.body)
    if (!form.ok) throw notFound()
    const result = await resilience.openPlan(signedInActor(request), caseId, form.value)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'provider-resilience/views/new-plan.njk',
          planFormView(result.found, posted(request.body), result.errors),
        )
    return reply.redirect(`${paths.protectionPlan.build(result.id)}?opened=1`, 303)
  })

  const planView = (
    found: NonNullable<Awaited<ReturnType<ResilienceService['plan']>>>,
    values: Values,
    errors?: Errors,
    flash: unknown = {},
  ) => ({
    pageTitle: `Protection plan: ${found.plan.locationName}`,
    ...found,
    values,
    errors,
    errorList: summary(errors, ['reviewedDate', 'findings', 'nextReviewDate']),
    flash,
  })

  app.get(paths.protectionPlan.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await resilience.plan(signedInActor(request), id)
    if (!found) throw notFound()
    const values = dateValues('reviewedDate', resilience.today())
    return reply.render(
      'provider-resilience/views/plan.njk',
      planView(found, values, undefined, request.query),
    )
  })

  app.post(paths.protectionPlanReview.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = reviewFormFrom(request.body)
    if (!form.ok) throw notFound()
    const result = await resilience.saveReview(signedInActor(request), id, form.value, false)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'provider-resilience/views/plan.njk',
          planView(result.found, posted(request.body), result.errors),
        )
    return reply.redirect(`${paths.protectionPlan.build(id)}?reviewed=1`, 303)
  })

  // Closing: the closing review, then a check of the answers, then the plan closes.
  const closeView = (
    found: NonNullable<Awaited<ReturnType<ResilienceService['plan']>>>,
    values: Values,
    errors?: Errors,
    checking = false,
  ) => ({
    pageTitle: checking
      ? 'Check the closing review'
      : `Close the protection plan: ${found.plan.locationName}`,
    ...found,
    values,
    errors,
    checking,
    errorList: summary(errors, ['reviewedDate', 'findings']),
  })

  app.get(paths.closeProtectionPlan.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await resilience.plan(signedInActor(request), id)
    if (!found?.mayWork || found.plan.status !== 'open') throw notFound()
    return reply.render(
      'provider-resilience/views/close-plan.njk',
      closeView(found, dateValues('reviewedDate', resilience.today())),
    )
  })

  app.post(paths.closeProtectionPlan.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const form = reviewFormFrom(request.body)
    if (!form.ok) throw notFound()
    const confirmed = text((request.body as Record<string, unknown>).confirm) === 'yes'
    const checked = confirmed
      ? await resilience.saveReview(actor, id, form.value, true)
      : await resilience.review(actor, id, form.value, true)
    if (!checked) throw notFound()
    if (!checked.ok)
      return reply
        .code(400)
        .render(
          'provider-resilience/views/close-plan.njk',
          closeView(checked.found, posted(request.body), checked.errors),
        )
    if (!confirmed)
      return reply.render('provider-resilience/views/close-plan.njk', {
        ...closeView(checked.found, posted(request.body), undefined, true),
        review: checked.value,
      })
    return reply.redirect(`${paths.protectionPlan.build(id)}?closed=1`, 303)
  })
}
