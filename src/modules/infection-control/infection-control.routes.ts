import type { FastifyInstance } from 'fastify'
import { svgChart } from '../../domain/charts.ts'
import { dateInWords, partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { findingResultNames, findingResults, maxActions, visitStateNames } from './domain/ipc.rules.ts'
import { ipcPaths as paths } from './infection-control.paths.ts'
import { checklistFormFrom, planFormFrom, recordFormFrom } from './infection-control.schemas.ts'
import type { IpcService } from './infection-control.service.ts'

const toDayField = <T extends { href: string }>(list: T[]) =>
  list.map((e) => (/(Date|Due)$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e))
const names = { findingResultNames, visitStateNames }

// Infection-control visits: planned from a location, recorded with findings and actions, followed up.
export async function ipcRoutes(app: FastifyInstance, deps: { ipc: IpcService }) {
  const { ipc } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.ipcVisits.pattern, async (request, reply) => {
    const found = await ipc.list(signedInActor(request))
    if (!found) throw notFound()
    return reply.render('infection-control/views/visits.njk', {
      ...names,
      ...found,
      pageTitle: 'Infection-control visits',
    })
  })

  const planView = (
    location: { id: string; name: string },
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    pageTitle: `Plan an infection-control visit to ${location.name}`,
    location,
    values,
    errors,
    errorList: errors ? toDayField(errorSummary(errors, ['visitDate', 'visitTime', 'purpose'])) : undefined,
  })

  app.get(paths.planIpcVisit.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const location = await ipc.planFormFor(signedInActor(request), id)
    if (!location) throw notFound()
    return reply.render('infection-control/views/plan.njk', planView(location, {}))
  })

  app.post(paths.planIpcVisit.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const location = await ipc.planFormFor(actor, id)
    const form = planFormFrom(request.body)
    if (!location || !form.ok) throw notFound()
    const result = await ipc.plan(actor, id, form.value)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('infection-control/views/plan.njk', planView(location, form.value, result.errors))
    return reply.redirect(`${paths.ipcVisit.build(result.value.id)}?planned=1`)
  })

  app.get(paths.ipcVisit.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await ipc.visit(signedInActor(request), id)
    if (!found) throw notFound()
    return reply.render('infection-control/views/visit.njk', {
      ...names,
      ...found,
      pageTitle: `Infection-control visit to ${found.visit.locationName}`,
      flash: request.query,
    })
  })

  const recordView = (
    context: NonNullable<Awaited<ReturnType<IpcService['recordFormFor']>>>,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    ...names,
    ...context,
    pageTitle: `Record the visit to ${context.visit.locationName}`,
    values,
    errors,
    actionNumbers: Array.from({ length: maxActions }, (_, i) => i + 1),
    resultItems: (itemId: string) =>
      findingResults.map((r) => ({
        value: r,
        text: findingResultNames[r],
        checked: values[`finding-${itemId}`] === r,
      })),
    errorList: errors
      ? toDayField(
          errorSummary(errors, [
            'summary',
            ...context.items.flatMap((i) => [`finding-${i.id}`, `note-${i.id}`]),
            ...Array.from({ length: maxActions }, (_, i) => [
              `action${i + 1}Text`,
              `action${i + 1}Due`,
            ]).flat(),
            'followUpDate',
          ]),
        )
      : undefined,
  })

  app.get(paths.recordIpcVisit.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const context = await ipc.recordFormFor(signedInActor(request), id)
    if (!context) throw notFound()
    return reply.render('infection-control/views/record.njk', recordView(context, {}))
  })

  app.post(paths.recordIpcVisit.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const { id } = request.params as { id: string }
    const context = await ipc.recordFormFor(actor, id)
    if (!context) throw notFound()
    const form = recordFormFrom(
      request.body,
      context.items.map((i) => i.id),
    )
    const values = form.ok ? form.value : {}
    const result = await ipc.record(actor, id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('infection-control/views/record.njk', recordView(context, values, result.errors))
    return reply.redirect(`${paths.ipcVisit.build(id)}?recorded=1`)
  })

  app.post(paths.cancelIpcVisit.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!(await ipc.cancel(signedInActor(request), id))) throw notFound()
    return reply.redirect(`${paths.ipcVisit.build(id)}?cancelled=1`)
  })

  app.post(paths.ipcActionDone.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const visit = await ipc.actionDone(signedInActor(request), id)
    if (!visit) throw notFound()
    return reply.redirect(`${paths.ipcVisit.build(visit.id)}?actionDone=1`)
  })

  app.get(paths.ipcChecklist.pattern, async (request, reply) => {
    const items = await ipc.checklist(signedInActor(request))
    if (!items) throw notFound()
    return reply.render('infection-control/views/checklist.njk', {
      pageTitle: 'IPC visit checklist',
      items,
      flash: request.query,
    })
  })

  app.post(paths.ipcChecklist.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = checklistFormFrom(request.body)
    const values = form.ok ? form.value : { action: '', itemId: '', label: '' }
    const result = await ipc.changeChecklist(actor, values)
    if (!result) throw notFound()
    if (!result.ok) {
      const errors =
        values.action === 'add' ? result.errors : { [`label-${values.itemId}`]: result.errors.label! }
      return reply.code(400).render('infection-control/views/checklist.njk', {
        pageTitle: 'IPC visit checklist',
        items: await ipc.checklist(actor),
        values,
        errors,
        errorList: errorSummary(errors),
      })
    }
    return reply.redirect(`${paths.ipcChecklist.build()}?saved=1`)
  })

  app.get(paths.ipcFigures.pattern, async (request, reply) => {
    const found = await ipc.figures(signedInActor(request))
    if (!found) throw notFound()
    const short = (iso: string) => dateInWords(iso).replace(/ \d{4}$/, '')
    return reply.render('infection-control/views/figures.njk', {
      ...found,
      pageTitle: 'Infection-control visits by week',
      chart: svgChart(
        found.weeks.map((w) => ({ label: short(w.weekStart), value: w.visitsDone })),
        {
          id: 'ipc-visits',
          title: 'Infection-control visits done, by week',
          description: `Bars for the ${found.weeks.length} weeks from the week of ${short(found.weeks[0]!.weekStart)}`,
          unit: 'visits',
          width: 720,
        },
      ),
      todayParts: partsFromIsoDate(ipc.today()),
    })
  })
}
