import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'
import type { PlanRag } from '../action-plan.tables.ts'

// The action plan's rules: who reads and updates, what an update needs, how figures read. Pure.

export const rags = ['red', 'amber', 'green', 'complete'] as const
export const ragNames: Record<PlanRag, string> = {
  red: 'Red: at risk',
  amber: 'Amber: some delay',
  green: 'Green: on track',
  complete: 'Complete',
}
export const ragTagClasses: Record<PlanRag, string> = {
  red: 'govuk-tag--red',
  amber: 'govuk-tag--orange',
  green: 'govuk-tag--green',
  complete: 'govuk-tag--blue',
}

export const mayReadPlan = (actor: Actor) => can(actor, 'action-plan:read')

// A council's officers update any action of their council's plan; a partner's officers only the
// actions their organisation leads.
export function mayUpdateAction(
  actor: Actor,
  action: { councilId: string; leadOrganisationId: string | null },
) {
  if (!can(actor, 'action-plan:update') || !actor.councilIds.includes(action.councilId)) return false
  if (actor.organisationKind === 'council') return actor.organisationId === action.councilId
  return action.leadOrganisationId === actor.organisationId
}

export type UpdateForm = { period: string; doneThisPeriod: string; stillToDo: string; rag: string }
export type ActionUpdate = { period: string; doneThisPeriod: string; stillToDo: string; rag: PlanRag }

export function validateUpdate(form: UpdateForm): Outcome<ActionUpdate> {
  const errors: Record<string, string> = {}
  const text = (field: keyof UpdateForm, missing: string, max: number) => {
    const value = form[field].trim()
    if (!value) errors[field] = missing
    else if (value.length > max)
      errors[field] =
        `${missing.replace(/^Enter /, '').replace(/^./, (c) => c.toUpperCase())} must be ${max.toLocaleString('en-GB')} characters or fewer`
    return value
  }
  const period = text('period', 'Enter the period this update covers, like December 2026', 60)
  const doneThisPeriod = text('doneThisPeriod', 'Enter what was done this period', 5000)
  const stillToDo = text('stillToDo', 'Enter what is still to do', 5000)
  if (!(rags as readonly string[]).includes(form.rag)) errors.rag = 'Select how the action is going'
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { period, doneThisPeriod, stillToDo, rag: form.rag as PlanRag } }
}

// A measure's value as the plan shows it: a share with its numerator and denominator, or a count.
export function shareShown(numerator: number, denominator: number): string {
  if (denominator === 0) return 'No data yet'
  return `${Math.round((100 * numerator) / denominator)}% (${numerator.toLocaleString('en-GB')} of ${denominator.toLocaleString('en-GB')})`
}
export const countShown = (n: number) => n.toLocaleString('en-GB')
