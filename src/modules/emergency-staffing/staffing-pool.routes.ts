import type { FastifyInstance } from 'fastify'
import { partsFromIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { staffingPaths as paths } from './emergency-staffing.paths.ts'
import { deployFormFrom, personFormFrom, workedFormFrom } from './emergency-staffing.schemas.ts'
import {
  balanceWords,
  checkFields,
  hoursWords,
  money,
  names,
  roleOptions,
  shiftWords,
} from './emergency-staffing.view-model.ts'
import type { StaffingPoolService } from './staffing-pool.service.ts'

const toDayField = <T extends { href: string }>(list: T[]) =>
  list.map((e) => (/(Expires|From|To)$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e))
const personOrder = [
  'name',
  'employer',
  'role',
  'skills',
  'phone',
  ...checkFields.flatMap((c) => [`${c.field}Expires`, `${c.field}Reference`]),
  'availableFrom',
  'availableTo',
]

// The staffing pool (the staffing team only; every view audited), matching and deployments.
export async function staffingPoolRoutes(app: FastifyInstance, deps: { pool: StaffingPoolService }) {
  const { pool } = deps
  app.addHook('preHandler', requireSignIn)
  const view = { ...names, balanceWords, checkFields, shiftWords, hoursWords, money }

  app.get(paths.staffingPool.pattern, async (request, reply) => {
    const people = await pool.list(signedInActor(request))
    if (!people) throw notFound()
    return reply.render('emergency-staffing/views/pool.njk', { ...view, pageTitle: 'Staffing pool', people })
  })

  const personForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    ...view,
    pageTitle: 'Add a person to the staffing pool',
    values,
    errors,
    roleItems: roleOptions(values.role ?? '', 'Choose their role'),
    errorList: errors ? toDayField(errorSummary(errors, personOrder)) : undefined,
  })

  app.get(paths.newPoolPerson.pattern, async (request, reply) => {
    if (!(await pool.budgets(signedInActor(request)))) throw notFound()
    return reply.render('emergency-staffing/views/person-form.njk', personForm({}))
  })

  app.post(paths.newPoolPerson.pattern, async (request, reply) => {
    const form = personFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = await pool.add(signedInActor(request), values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('emergency-staffing/views/person-form.njk', personForm(values, result.errors))
    return reply.redirect(`${paths.poolPerson.build(result.value.id)}?added=1`)
  })

  const personPage = async (
    request: Parameters<typeof signedInActor>[0],
    extra: Record<string, unknown> = {},
  ) => {
    const { id } = request.params as { id: string }
    const found = await pool.person(signedInActor(request), id)
    if (!found) throw notFound()
    const checkValues = Object.fromEntries(
      found.checks.flatMap((c) => {
        const field = checkFields.find((f) => f.kind === c.kind)!.field
        const parts = partsFromIsoDate(c.expiresOn)
        return [
          [`${field}Expires-day`, parts.day],
          [`${field}Expires-month`, parts.month],
          [`${field}Expires-year`, parts.year],
          [`${field}Reference`, c.reference ?? ''],
        ]
      }),
    )
    return {
      ...view,
      ...found,
      pageTitle: found.person.name,
      values: checkValues,
      flash: request.query,
      ...extra,
    }
  }

  app.get(paths.poolPerson.pattern, async (request, reply) =>
    reply.render('emergency-staffing/views/person.njk', await personPage(request)),
  )

  app.post(paths.poolPersonChecks.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = personFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = await pool.changeChecks(signedInActor(request), id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'emergency-staffing/views/person.njk',
        await personPage(request, {
          values,
          errors: result.errors,
          errorList: toDayField(errorSummary(result.errors, personOrder)),
        }),
      )
    return reply.redirect(`${paths.poolPerson.build(id)}?checks=1`)
  })

  app.post(paths.poolPersonAvailability.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = personFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = await pool.addDates(signedInActor(request), id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'emergency-staffing/views/person.njk',
        await personPage(request, {
          dateValues: values,
          errors: result.errors,
          errorList: toDayField(errorSummary(result.errors)),
        }),
      )
    return reply.redirect(`${paths.poolPerson.build(id)}?dates=1`)
  })

  const matchesView = (
    context: NonNullable<Awaited<ReturnType<StaffingPoolService['matchesFor']>>>,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => ({
    ...view,
    ...context,
    pageTitle: `People for ${context.shift.locationName}`,
    values,
    errors,
    personItems: context.offered.map((p) => ({
      value: p.id,
      text: p.name,
      hint: { text: `${names.staffRoleNames[p.role]}, ${p.employer}${p.skills ? `: ${p.skills}` : ''}` },
      checked: values.personId === p.id,
    })),
    budgetItems: context.budgets.map((b) => ({
      value: b.id,
      text: b.name,
      hint: { text: `${balanceWords(b.balancePence)} of ${money(b.allocationPence)}` },
      checked: values.budgetId === b.id || context.budgets.length === 1,
    })),
    errorList: errors
      ? errorSummary(errors, ['personId', 'budgetId', 'hourlyRate', 'overspendConfirmed'])
      : undefined,
  })

  app.get(paths.staffingShiftMatches.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const context = await pool.matchesFor(signedInActor(request), id)
    if (!context) throw notFound()
    return reply.render('emergency-staffing/views/matches.njk', matchesView(context, { hourlyRate: '' }))
  })

  app.post(paths.staffingShiftDeploy.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = deployFormFrom(request.body)
    const values = form.ok
      ? form.value
      : { personId: '', budgetId: '', hourlyRate: '', overspendConfirmed: '', action: '' }
    const result = await pool.deploy(signedInActor(request), id, values, values.action === 'confirm')
    if (!result) throw notFound()
    if (values.action === 'change')
      return reply.render('emergency-staffing/views/matches.njk', matchesView(result.context, values))
    if ('saved' in result && result.saved)
      return reply.redirect(`${paths.staffingRequest.build(result.saved.requestId)}?deployed=1`)
    if (!result.checked.ok && !('summary' in result && result.summary))
      return reply
        .code(400)
        .render(
          'emergency-staffing/views/matches.njk',
          matchesView(result.context, values, result.checked.errors),
        )
    const errors = result.checked.ok ? undefined : result.checked.errors
    return reply.code(errors ? 400 : 200).render('emergency-staffing/views/check-deployment.njk', {
      ...view,
      pageTitle: 'Check the deployment',
      shift: result.context.shift,
      minutes: result.context.minutes,
      summary: result.summary,
      values,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    })
  })

  app.post(paths.staffingDeploymentWorked.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = workedFormFrom(request.body)
    const values = form.ok ? form.value : { hoursWorked: '', overspendConfirmed: '' }
    const result = await pool.recordWorked(signedInActor(request), id, values)
    if (!result) throw notFound()
    if (!result.checked.ok)
      return reply.code(400).render('emergency-staffing/views/worked.njk', {
        ...view,
        pageTitle: 'Record the hours worked',
        deploymentId: id,
        requestId: result.found.requestId,
        over: 'over' in result ? result.over : 0,
        values,
        errors: result.checked.errors,
        errorList: errorSummary(result.checked.errors),
      })
    return reply.redirect(`${paths.staffingRequest.build(result.found.requestId)}?worked=1`)
  })

  app.post(paths.staffingDeploymentCancel.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const found = await pool.cancel(signedInActor(request), id)
    if (!found) throw notFound()
    return reply.redirect(`${paths.staffingRequest.build(found.requestId)}?cancelled=1`)
  })
}
