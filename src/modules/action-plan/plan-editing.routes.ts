import type { FastifyInstance, FastifyRequest } from 'fastify'
import { londonDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { actionPlanPaths as paths } from './action-plan.paths.ts'
import {
  actionChangeFormFrom,
  actionFormFrom,
  areaFormFrom,
  objectiveFormFrom,
} from './action-plan.schemas.ts'
import type { ActionPlanService } from './action-plan.service.ts'
import { ragNames, rags } from './domain/action-plan.rules.ts'
import { actionFields } from './domain/plan-forms.rules.ts'

type Values = Record<string, string | string[]>
const body = (request: FastifyRequest) => (request.body ?? {}) as Values
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : [])

// Building the plan (areas, key objectives, actions), correcting its areas and actions, and the
// progress report as it stands now.
export async function planEditingRoutes(app: FastifyInstance, deps: { actionPlan: ActionPlanService }) {
  const { actionPlan } = deps
  app.addHook('preHandler', requireSignIn)

  // The area's form, to add one or (given its id) to correct it.
  const areaView = (number: number, values: Values, errors?: Record<string, string>, changing?: string) => ({
    pageTitle: changing ? `Change area ${number}` : 'Add a strategic area',
    formAction: changing ? paths.changePlanArea.build(changing) : paths.newPlanArea.build(),
    changing: Boolean(changing),
    number,
    values,
    errors,
    errorList: errors ? errorSummary(errors, ['title', 'aim', 'objectives']) : undefined,
  })
  app.get(paths.newPlanArea.pattern, async (request, reply) => {
    const allowed = await actionPlan.areaToAdd(signedInActor(request))
    if (!allowed) throw notFound()
    return reply.render('action-plan/views/new-area.njk', areaView(allowed.number, {}))
  })
  app.post(paths.newPlanArea.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const allowed = await actionPlan.areaToAdd(actor)
    if (!allowed) throw notFound()
    const form = areaFormFrom(request.body)
    const result = form.ok ? await actionPlan.addArea(actor, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('action-plan/views/new-area.njk', areaView(allowed.number, body(request), result.errors))
    return reply.redirect(
      `${paths.actionPlan.build()}?areaAdded=${result.value.number}#area-${result.value.number}`,
    )
  })

  app.get(paths.changePlanArea.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const area = await actionPlan.areaToChange(signedInActor(request), id)
    if (!area) throw notFound()
    const values = { title: area.title, aim: area.aim, objectives: area.objectives.join('\n') }
    return reply.render('action-plan/views/new-area.njk', areaView(area.number, values, undefined, id))
  })
  app.post(paths.changePlanArea.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const area = await actionPlan.areaToChange(actor, id)
    if (!area) throw notFound()
    const form = areaFormFrom(request.body)
    const result = form.ok ? await actionPlan.changeArea(actor, id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('action-plan/views/new-area.njk', areaView(area.number, body(request), result.errors, id))
    const said = result.value.changed ? 'areaChanged' : 'areaUnchanged'
    return reply.redirect(`${paths.actionPlan.build()}?${said}=${area.number}#area-${area.number}`)
  })

  const objectiveView = (
    area: NonNullable<Awaited<ReturnType<ActionPlanService['areaFor']>>>,
    values: Values,
    errors?: Record<string, string>,
  ) => ({
    pageTitle: `Add a key objective to area ${area.number}`,
    area,
    values,
    errors,
    errorList: errors ? errorSummary(errors, ['objective']) : undefined,
  })
  app.get(paths.newPlanObjective.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const area = await actionPlan.areaFor(signedInActor(request), id)
    if (!area) throw notFound()
    return reply.render('action-plan/views/new-objective.njk', objectiveView(area, {}))
  })
  app.post(paths.newPlanObjective.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const area = await actionPlan.areaFor(actor, id)
    if (!area) throw notFound()
    const form = objectiveFormFrom(request.body)
    const result = form.ok ? await actionPlan.addObjective(actor, id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('action-plan/views/new-objective.njk', objectiveView(area, body(request), result.errors))
    return reply.redirect(`${paths.actionPlan.build()}?objectiveAdded=1#area-${area.number}`)
  })

  // The action's form, to add one or (given the action) to correct it: then its area and how it is
  // going are not on the form.
  type Choices = Pick<
    NonNullable<Awaited<ReturnType<ActionPlanService['actionChoices']>>>,
    'areas' | 'leads' | 'measures'
  >
  type Changing = NonNullable<Awaited<ReturnType<ActionPlanService['actionToChange']>>>['action']
  const actionView = (
    choices: Choices,
    values: Values,
    errors?: Record<string, string>,
    changing?: Changing,
  ) => {
    const chosen = list(values.measureKeys)
    return {
      pageTitle: changing ? `Change action ${changing.areaNumber}.${changing.position}` : 'Add an action',
      formAction: changing ? paths.changePlanAction.build(changing.id) : paths.newPlanAction.build(),
      changing,
      values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, one(v)])),
      errors,
      errorList: errors ? toFirstDateField(errorSummary(errors, actionFields)) : undefined,
      areaItems: [
        { value: '', text: 'Choose an area' },
        ...choices.areas.map((a) => ({
          value: a.id,
          text: `${a.number}. ${a.title}`,
          selected: a.id === one(values.areaId),
        })),
      ],
      leadItems:
        choices.leads.length === 1
          ? [{ value: choices.leads[0]!.id, text: choices.leads[0]!.name, selected: true }]
          : [
              { value: '', text: 'Choose an organisation' },
              ...choices.leads.map((o) => ({
                value: o.id,
                text: o.name,
                selected: o.id === one(values.leadOrganisationId),
              })),
            ],
      ragItems: rags.map((r) => ({ value: r, text: ragNames[r], checked: one(values.rag) === r })),
      measureItems: choices.measures.map((m) => ({
        value: m.key,
        text: m.name,
        checked: chosen.includes(m.key),
      })),
      hasAreas: choices.areas.length > 0 || Boolean(changing),
    }
  }
  app.get(paths.newPlanAction.pattern, async (request, reply) => {
    const choices = await actionPlan.actionChoices(signedInActor(request))
    if (!choices) throw notFound()
    return reply.render('action-plan/views/new-action.njk', actionView(choices, {}))
  })
  app.post(paths.newPlanAction.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const choices = await actionPlan.actionChoices(actor)
    if (!choices) throw notFound()
    const form = actionFormFrom(request.body)
    const result = form.ok ? await actionPlan.addAction(actor, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('action-plan/views/new-action.njk', actionView(choices, body(request), result.errors))
    return reply.redirect(`${paths.planAction.build(result.value.id)}?added=1`)
  })

  app.get(paths.changePlanAction.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await actionPlan.actionToChange(signedInActor(request), id)
    if (!found) throw notFound()
    const { action } = found
    const [year = '', month = '', day = ''] = action.dueOn?.split('-').map((p) => String(Number(p))) ?? []
    const values = {
      title: action.title,
      leadOrganisationId: action.leadOrganisationId ?? '',
      leadName: action.leadName,
      partners: action.partners ?? '',
      'dueDate-day': day,
      'dueDate-month': month,
      'dueDate-year': year,
      measureKeys: action.measureKeys,
    }
    return reply.render(
      'action-plan/views/new-action.njk',
      actionView({ ...found, areas: [] }, values, undefined, action),
    )
  })
  app.post(paths.changePlanAction.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = signedInActor(request)
    const found = await actionPlan.actionToChange(actor, id)
    if (!found) throw notFound()
    const form = actionChangeFormFrom(request.body)
    const result = form.ok ? await actionPlan.changeAction(actor, id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'action-plan/views/new-action.njk',
          actionView({ ...found, areas: [] }, body(request), result.errors, found.action),
        )
    const said = result.value.changed ? 'actionChanged' : 'actionUnchanged'
    return reply.redirect(
      `${paths.actionPlan.build()}?${said}=${result.value.number}#area-${found.action.areaNumber}`,
    )
  })

  app.get(paths.progressReport.pattern, async (request, reply) => {
    const report = await actionPlan.liveReport(signedInActor(request))
    if (!report) throw notFound()
    return reply.render('action-plan/views/report.njk', {
      pageTitle: 'Progress report as it stands now',
      ...report,
    })
  })
  app.get(paths.progressReportDocx.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await actionPlan.liveReportDocx(actor)
    if (!found) throw notFound()
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    reply.header(
      'content-disposition',
      `attachment; filename="progress-report-as-at-${londonDate(found.at)}.docx"`,
    )
    return reply.send(found.docx)
  })
}
