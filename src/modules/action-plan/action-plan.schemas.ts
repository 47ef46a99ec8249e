import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { UpdateForm } from './domain/action-plan.rules.ts'

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
