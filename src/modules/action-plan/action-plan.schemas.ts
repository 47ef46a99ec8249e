import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formList, formText, parseForm } from '../../web/form-schema.ts'
import type { UpdateForm } from './domain/action-plan.rules.ts'
import type { ActionChangeForm, ActionForm, AreaForm, ObjectiveForm } from './domain/plan-forms.rules.ts'

// The action plan's forms as posted; the domain's rule words what is wrong (action-plan.rules.ts).
const updateFields = z.object({
  period: formText(),
  doneThisPeriod: formText(),
  stillToDo: formText(),
  rag: formText(),
})
const updateMessages: FormMessages<typeof updateFields> = {
  period: 'Enter the period this update covers, like December 2026',
  doneThisPeriod: 'Enter what was done this period',
  stillToDo: 'Enter what is still to do',
  rag: 'Select how the action is going',
}
export const updateFormFrom = (body: unknown): Outcome<UpdateForm> =>
  parseForm(updateFields, body, updateMessages)

const areaFields = z.object({ title: formText(), aim: formText(), objectives: formText() })
export const areaFormFrom = (body: unknown): Outcome<AreaForm> =>
  parseForm(areaFields, body, {
    title: 'Enter the area’s title',
    aim: 'Enter what the area aims to achieve',
    objectives: 'Enter at least one key objective, one a line',
  })

const objectiveFields = z.object({ objective: formText() })
export const objectiveFormFrom = (body: unknown): Outcome<ObjectiveForm> =>
  parseForm(objectiveFields, body, { objective: 'Enter the key objective' })

const actionFormFields = z.object({
  areaId: formText(),
  title: formText(),
  leadOrganisationId: formText(),
  leadName: formText(),
  partners: formText(),
  'dueDate-day': formText(),
  'dueDate-month': formText(),
  'dueDate-year': formText(),
  rag: formText(),
  measureKeys: formList(),
})
const actionMessages: FormMessages<typeof actionFormFields> = {
  areaId: 'Select the strategic area',
  title: 'Enter what the action is',
  leadOrganisationId: 'Select the organisation that leads it',
  leadName: 'Enter who is taking the lead',
  partners: 'Enter the partners',
  'dueDate-day': 'The due date must be a real date, like 30 6 2021',
  'dueDate-month': 'The due date must be a real date, like 30 6 2021',
  'dueDate-year': 'The due date must be a real date, like 30 6 2021',
  rag: 'Select how the action is going',
  measureKeys: 'Select measures from the list',
}
export const actionFormFrom = (body: unknown): Outcome<ActionForm> =>
  parseForm(actionFormFields, body, actionMessages)

// Correcting an action: its area (which sets its number) stays, and how it is going changes only
// with an update, so neither is on the form.
const actionChangeFields = actionFormFields.omit({ areaId: true, rag: true })
const { areaId: _area, rag: _rag, ...actionChangeMessages } = actionMessages
export const actionChangeFormFrom = (body: unknown): Outcome<ActionChangeForm> =>
  parseForm(actionChangeFields, body, actionChangeMessages)
