import type { FastifyInstance } from 'fastify'
import { roleNames } from '../../domain/roles.ts'
import { notFound } from '../../web/errors.ts'
import { noticeFrom, signedNotice } from '../../web/flash.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { staffingPaths as paths } from './emergency-staffing.paths.ts'
import { budgetFormFrom, teamFormFrom } from './emergency-staffing.schemas.ts'
import { balanceWords, money } from './emergency-staffing.view-model.ts'
import type { StaffingBudgetService } from './staffing-budgets.service.ts'
import type { StaffingTeamService } from './staffing-team.service.ts'

const changeWords = {
  add: 'added to the staffing team',
  remove: 'removed from the staffing team',
  lead: 'named a staffing lead',
  unlead: 'no longer a staffing lead',
} as const

// The staffing team's own set-up: its budgets (with a form for a new one) and who is in the team.
export async function staffingTeamRoutes(
  app: FastifyInstance,
  deps: { budgets: StaffingBudgetService; team: StaffingTeamService },
) {
  const { budgets, team } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.staffingBudgets.pattern, async (request, reply) => {
    const list = await budgets.list(signedInActor(request))
    if (!list) throw notFound()
    return reply.render('emergency-staffing/views/budgets.njk', {
      pageTitle: 'Emergency staffing budgets',
      budgets: list,
      balanceWords,
      money,
      added: noticeFrom(request, (request.query as Record<string, unknown>).added),
    })
  })

  const budgetForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Set up a staffing budget',
    values,
    errors,
    errorList: errors ? errorSummary(errors, ['name', 'allocation']) : undefined,
  })

  app.get(paths.newStaffingBudget.pattern, async (request, reply) => {
    if (!(await budgets.list(signedInActor(request)))) throw notFound()
    return reply.render('emergency-staffing/views/budget-form.njk', budgetForm({}))
  })

  app.post(paths.newStaffingBudget.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = budgetFormFrom(request.body)
    const values = form.ok ? form.value : { name: '', allocation: '', action: '' }
    if (values.action === 'change') {
      if (!(await budgets.list(actor))) throw notFound()
      return reply.render('emergency-staffing/views/budget-form.njk', budgetForm(values))
    }
    const result = await budgets.create(actor, values, values.action === 'add')
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render('emergency-staffing/views/budget-form.njk', budgetForm(values, result.errors))
    if (result.value.id)
      return reply.redirect(
        `${paths.staffingBudgets.build()}?added=${signedNotice(reply, result.value.name)}`,
        303,
      )
    return reply.render('emergency-staffing/views/check-budget.njk', {
      pageTitle: 'Check the budget before adding it',
      values,
      budget: result.value,
      money,
    })
  })

  app.get(paths.staffingTeam.pattern, async (request, reply) => {
    const found = await team.team(signedInActor(request))
    if (!found) throw notFound()
    const query = request.query as Record<string, unknown>
    return reply.render('emergency-staffing/views/team.njk', {
      pageTitle: 'Staffing team',
      ...found,
      roleNames,
      done:
        text(query.name) && text(query.change) in changeWords
          ? `${text(query.name)} ${changeWords[text(query.change) as keyof typeof changeWords]}`
          : null,
    })
  })

  app.post(paths.staffingTeam.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = teamFormFrom(request.body)
    if (!form.ok) throw notFound()
    const result = await team.change(actor, form.value.userId, form.value.change)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = await team.team(actor)
      if (!found) throw notFound()
      const errors = { [`user-${form.value.userId}`]: `${result.name}: ${result.error}` }
      return reply.code(400).render('emergency-staffing/views/team.njk', {
        pageTitle: 'Staffing team',
        ...found,
        roleNames,
        errors,
        errorList: errorSummary(errors),
      })
    }
    const query = new URLSearchParams({ name: result.name, change: result.change })
    return reply.redirect(`${paths.staffingTeam.build()}?${query}`, 303)
  })
}
