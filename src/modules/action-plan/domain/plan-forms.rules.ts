import { isoDateFromParts } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'
import type { PlanRag } from '../action-plan.tables.ts'
import { rags } from './action-plan.rules.ts'

// The forms that build the plan: a strategic area, a key objective, an action. Pure: the service
// passes what it looked up (the organisations that may lead, the measures CareHub knows).

// Only the council's own officers shape the plan (areas and objectives); they add actions for any
// lead, and a partner's officers add actions their own organisation leads.
export const mayShapePlan = (actor: Actor, councilId: string) =>
  can(actor, 'action-plan:manage') &&
  actor.organisationKind === 'council' &&
  actor.organisationId === councilId
export const mayAddAction = (actor: Actor, councilId: string) =>
  mayShapePlan(actor, councilId) ||
  (can(actor, 'action-plan:update') &&
    actor.organisationKind !== 'council' &&
    actor.councilIds.includes(councilId))

// Correcting an action takes the same permission as adding it: the council's own officers any action
// of its plan, a partner's officers only those their organisation leads.
export const mayChangeAction = (
  actor: Actor,
  action: { councilId: string; leadOrganisationId: string | null },
) =>
  mayShapePlan(actor, action.councilId) ||
  (mayAddAction(actor, action.councilId) && action.leadOrganisationId === actor.organisationId)

type Errors = Record<string, string>
const text = (errors: Errors, field: string, value: string, missing: string, label: string, max: number) => {
  const v = value.trim()
  if (!v) errors[field] = missing
  else if (v.length > max)
    errors[field] = `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`
  return v
}

export type AreaForm = { title: string; aim: string; objectives: string }
export type NewArea = { title: string; aim: string; objectives: string[] }

// An area: its title, its aim and its key objectives, one a line.
export function validateArea(form: AreaForm): Outcome<NewArea> {
  const errors: Errors = {}
  const title = text(errors, 'title', form.title, 'Enter the area’s title', 'The title', 200)
  const aim = text(errors, 'aim', form.aim, 'Enter what the area aims to achieve', 'The aim', 2000)
  const objectives = form.objectives
    .split(/\r?\n/)
    .map((o) => o.trim())
    .filter(Boolean)
  if (!objectives.length) errors.objectives = 'Enter at least one key objective, one a line'
  else if (objectives.some((o) => o.length > 500))
    errors.objectives = 'Each key objective must be 500 characters or fewer'
  else if (objectives.length > 30) errors.objectives = 'Enter 30 key objectives or fewer'
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { title, aim, objectives } }
}

export type ObjectiveForm = { objective: string }
export function validateObjective(form: ObjectiveForm, existing: readonly string[]): Outcome<string> {
  const errors: Errors = {}
  const objective = text(
    errors,
    'objective',
    form.objective,
    'Enter the key objective',
    'The key objective',
    500,
  )
  if (!errors.objective && existing.includes(objective))
    errors.objective = 'This area already has that key objective'
  if (!errors.objective && existing.length >= 30) errors.objective = 'An area has 30 key objectives at most'
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: objective }
}

export type ActionForm = {
  areaId: string
  title: string
  leadOrganisationId: string
  leadName: string
  partners: string
  'dueDate-day': string
  'dueDate-month': string
  'dueDate-year': string
  rag: string
  measureKeys: string[]
}
// The form that corrects an action: the adding form without the area and how it is going.
export type ActionChangeForm = Omit<ActionForm, 'areaId' | 'rag'>
export type NewAction = {
  areaId: string
  title: string
  leadOrganisationId: string
  leadName: string
  partners: string | null
  dueOn: string | null
  rag: PlanRag
  measureKeys: string[]
}
export const actionFields = [
  'areaId',
  'title',
  'leadOrganisationId',
  'leadName',
  'partners',
  'dueDate',
  'rag',
  'measureKeys',
]

// An action: its area, title, the organisation that leads it and the named lead, partners, due date
// (optional), how it is going and the measures it reports. `leads` are the organisations that may lead
// it for this actor (a partner's officer: only their own).
export function validateAction(
  form: ActionForm,
  known: { areaIds: readonly string[]; leads: readonly string[]; measureKeys: readonly string[] },
): Outcome<NewAction> {
  const errors: Errors = {}
  if (!known.areaIds.includes(form.areaId)) errors.areaId = 'Select the strategic area'
  const title = text(errors, 'title', form.title, 'Enter what the action is', 'What the action is', 500)
  if (!known.leads.includes(form.leadOrganisationId))
    errors.leadOrganisationId = 'Select the organisation that leads it'
  const leadName = text(
    errors,
    'leadName',
    form.leadName,
    'Enter who is taking the lead',
    'Who is taking the lead',
    200,
  )
  const partners = form.partners.trim()
  if (partners.length > 500) errors.partners = 'Partners must be 500 characters or fewer'
  const parts = { day: form['dueDate-day'], month: form['dueDate-month'], year: form['dueDate-year'] }
  const anyDate = [parts.day, parts.month, parts.year].some((p) => p.trim())
  const dueOn = anyDate ? isoDateFromParts(parts) : null
  if (anyDate && !dueOn) errors.dueDate = 'The due date must be a real date, like 30 6 2021'
  if (!(rags as readonly string[]).includes(form.rag)) errors.rag = 'Select how the action is going'
  const measureKeys = [...new Set(form.measureKeys)]
  if (measureKeys.some((k) => !known.measureKeys.includes(k)))
    errors.measureKeys = 'Select measures from the list'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      areaId: form.areaId,
      title,
      leadOrganisationId: form.leadOrganisationId,
      leadName,
      partners: partners || null,
      dueOn,
      rag: form.rag as PlanRag,
      measureKeys,
    },
  }
}
