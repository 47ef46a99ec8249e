import { z } from 'zod'
import { isoDateFromParts } from '../../domain/dates.ts'
import type { FormMessages } from '../../web/form-schema.ts'
import {
  actionProblems,
  closeProblems,
  intelligenceProblems,
  resolveProblems,
} from './domain/casework.rules.ts'

// Casework's forms, one schema each. A field is taken as typed (the first, if sent twice); what is
// wrong with it is the domain's rule (casework.rules.ts), given what the case is now: the schema is
// made for the case by the service, after it has checked that the actor may do this at all.

const typed = z.preprocess((v) => {
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : ''
}, z.string())

type Problems = Record<string, string>
const report = (problems: Problems, check: z.RefinementCtx) => {
  for (const [field, message] of Object.entries(problems))
    check.addIssue({ code: 'custom', path: [field], message })
}

// Passing the case on: one of the organisations or people it may be passed to (`organisation:id`, `user:id`).
export function passCaseForm(targets: readonly string[]) {
  return z.object({ passTo: typed }).superRefine((form, check) => {
    if (!targets.includes(form.passTo)) report({ passTo: 'Select who to pass the case to' }, check)
  })
}
export const passCaseMessages: FormMessages<ReturnType<typeof passCaseForm>> = {
  passTo: 'Select who to pass the case to',
}

// The due date as an ISO date when the GOV.UK date fields make a real one; otherwise as typed, which
// the action's rule refuses (blank when all three are blank).
export function dueDateOf(form: {
  'dueOn-day': string
  'dueOn-month': string
  'dueOn-year': string
}): string {
  const parts = { day: form['dueOn-day'], month: form['dueOn-month'], year: form['dueOn-year'] }
  const typedParts = [parts.year, parts.month, parts.day].map((p) => p.trim())
  return isoDateFromParts(parts) ?? (typedParts.some(Boolean) ? typedParts.join('-') : '')
}

// An action on the case, due today or later.
export function actionForm(today: string) {
  return z
    .object({ description: typed, 'dueOn-day': typed, 'dueOn-month': typed, 'dueOn-year': typed })
    .superRefine((form, check) =>
      report(actionProblems({ description: form.description, dueOn: dueDateOf(form) }, today), check),
    )
}
export const actionMessages: FormMessages<ReturnType<typeof actionForm>> = {
  description: 'Enter what will be done',
  'dueOn-day': 'Enter the date the action is due',
  'dueOn-month': 'Enter the date the action is due',
  'dueOn-year': 'Enter the date the action is due',
}

export const resolveAlertForm = z
  .object({ note: typed })
  .superRefine((form, check) => report(resolveProblems(form), check))
export const resolveAlertMessages: FormMessages<typeof resolveAlertForm> = {
  note: 'Enter a note saying why the alert can be resolved',
}

// Closing the case: a note, and, while alerts are open, the closer's word that they go with it.
export function closeCaseForm(openAlerts: number) {
  return z
    .object({ note: typed, confirmAlerts: typed })
    .superRefine((form, check) =>
      report(
        closeProblems({ note: form.note, openAlerts, confirmedAlerts: form.confirmAlerts === 'yes' }),
        check,
      ),
    )
}
export const closeCaseMessages: FormMessages<ReturnType<typeof closeCaseForm>> = {
  note: 'Enter a note saying why the case can be closed',
  confirmAlerts: 'Confirm that the open alerts can be resolved with the case',
}

// Intelligence from a partner: reported by one of the organisations working the location's market.
export function intelligenceForm(partnerIds: readonly string[]) {
  return z
    .object({ partnerOrganisationId: typed, severity: typed, title: typed, report: typed })
    .superRefine((form, check) => report(intelligenceProblems(form, partnerIds), check))
}
export const intelligenceMessages: FormMessages<ReturnType<typeof intelligenceForm>> = {
  partnerOrganisationId: 'Select the partner who reported it',
  severity: 'Select red or amber',
  title: 'Enter a short title, like “Manager reports staff off sick”',
  report: 'Enter what was reported',
}
