import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { actionPlanPaths as paths } from './action-plan.paths.ts'
import { updateFormFrom } from './action-plan.schemas.ts'
import type { ActionPlanService } from './action-plan.service.ts'
import { ragNames, rags, ragTagClasses } from './domain/action-plan.rules.ts'

const names = { ragNames, ragTagClasses }

export async function actionPlanRoutes(
  app: FastifyInstance,
  deps: {
    actionPlan: ActionPlanService
    publishedReport: (actor: import('../../domain/policy.ts').Actor) => Promise<string | null>
  },
) {
  const { actionPlan } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.actionPlan.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const plan = await actionPlan.overview(actor)
    if (!plan) throw notFound()
    return reply.render('action-plan/views/plan.njk', {
      pageTitle: 'Action plan',
      ...plan,
      ...names,
      reportHref: await deps.publishedReport(actor),
      flash: flashFrom(request.query),
    })
  })

  app.get(paths.planAction.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const page = await actionPlan.action(signedInActor(request), id)
    if (!page) throw notFound()
    return reply.render('action-plan/views/action.njk', {
      pageTitle: `${page.action.areaNumber}.${page.action.position} ${page.action.title}`,
      ...page,
      ...names,
      flash: flashFrom(request.query),
    })
  })

  const updateView = (
    action: NonNullable<Awaited<ReturnType<ActionPlanService['actionToUpdate']>>>,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    pageTitle: `Update action ${action.areaNumber}.${action.position}`,
    action,
    values,
    errors,
    errorList: errors ? errorSummary(errors, ['period', 'doneThisPeriod', 'stillToDo', 'rag']) : undefined,
    ragItems: rags.map((r) => ({ value: r, text: ragNames[r], checked: (values.rag ?? action.rag) === r })),
  })

  app.get(paths.updatePlanAction.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const action = await actionPlan.actionToUpdate(signedInActor(request), id)
    if (!action) throw notFound()
    return reply.render('action-plan/views/update.njk', updateView(action, {}))
  })

  app.post(paths.updatePlanAction.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const action = await actionPlan.actionToUpdate(actor, id)
    if (!action) throw notFound()
    const form = updateFormFrom(request.body)
    const result = form.ok
      ? await actionPlan.update(actor, id, form.value, request.signedInUser?.displayName ?? '')
      : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'action-plan/views/update.njk',
          updateView(action, (request.body ?? {}) as Record<string, string>, result.errors),
        )
    return reply.redirect(`${paths.planAction.build(id)}?updated=1`)
  })

  app.get(paths.measures.pattern, async (request, reply) => {
    const list = await actionPlan.measureList(signedInActor(request))
    if (!list) throw notFound()
    return reply.render('action-plan/views/measures.njk', { pageTitle: 'Measures', measures: list })
  })

  app.get(paths.measure.pattern, async (request, reply) => {
    const { key } = request.params as { key: string }
    const measure = await actionPlan.measure(signedInActor(request), key)
    if (!measure) throw notFound()
    return reply.render('action-plan/views/measure.njk', { pageTitle: measure.name, measure })
  })
}
