import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import { maxShiftsPerRequest } from './domain/staffing.rules.ts'

// Emergency staffing's forms as posted. Every field is taken as text; what makes an answer valid (today's
// date, a shift's times, the people matching offered) is the domain's rule, which words every message.

const dateFields = (name: string) => [`${name}-day`, `${name}-month`, `${name}-year`]
const textFields = (names: string[]) => Object.fromEntries(names.map((n) => [n, formText()]))
const messagesFor = (names: string[], message: string) => Object.fromEntries(names.map((n) => [n, message]))

const shiftFieldNames = Array.from({ length: maxShiftsPerRequest }, (_, i) => [
  `shift${i + 1}Role`,
  ...dateFields(`shift${i + 1}Date`),
  `shift${i + 1}Start`,
  `shift${i + 1}End`,
  `shift${i + 1}NextDay`,
  `shift${i + 1}People`,
]).flat()
const requestFieldNames = ['locationId', 'reason', 'urgency', 'details', 'action', ...shiftFieldNames]
const requestFields = z.object(textFields(requestFieldNames))
const requestMessages = messagesFor(requestFieldNames, 'Check this answer') as FormMessages<
  typeof requestFields
>

export const requestFormFrom = (body: unknown): Outcome<Record<string, string>> =>
  parseForm(requestFields, body, requestMessages) as Outcome<Record<string, string>>

const personFieldNames = [
  'name',
  'employer',
  'role',
  'skills',
  'phone',
  ...['dbs', 'rightToWork', 'training'].flatMap((c) => [`${c}Reference`, ...dateFields(`${c}Expires`)]),
  ...dateFields('availableFrom'),
  ...dateFields('availableTo'),
]
const personFields = z.object(textFields(personFieldNames))
const personMessages = messagesFor(personFieldNames, 'Check this answer') as FormMessages<typeof personFields>
export const personFormFrom = (body: unknown): Outcome<Record<string, string>> =>
  parseForm(personFields, body, personMessages) as Outcome<Record<string, string>>

const deployFields = z.object({
  personId: formText(),
  budgetId: formText(),
  hourlyRate: formText(),
  overspendConfirmed: formText(),
  action: formText(),
})
const deployMessages: FormMessages<typeof deployFields> = {
  personId: 'Select a person who is free, qualified and checked for this shift',
  budgetId: 'Select the budget that pays for it',
  hourlyRate: 'Enter the hourly rate',
  overspendConfirmed: 'Confirm that the budget may be overspent',
  action: 'Choose whether to check or confirm the deployment',
}
export const deployFormFrom = (body: unknown) => parseForm(deployFields, body, deployMessages)

const workedFields = z.object({ hoursWorked: formText(), overspendConfirmed: formText() })
const workedMessages: FormMessages<typeof workedFields> = {
  hoursWorked: 'Enter the hours worked',
  overspendConfirmed: 'Confirm that the budget may be overspent',
}
export const workedFormFrom = (body: unknown) => parseForm(workedFields, body, workedMessages)

const closeFields = z.object({ outcomeReason: formText() })
const closeMessages: FormMessages<typeof closeFields> = {
  outcomeReason: 'Enter why the request could not be filled in full',
}
export const closeFormFrom = (body: unknown) => parseForm(closeFields, body, closeMessages)

const budgetFields = z.object({ name: formText(), allocation: formText(), action: formText() })
const budgetMessages: FormMessages<typeof budgetFields> = {
  name: 'Enter the budget’s name, like ICF tranche 2 retained',
  allocation: 'Enter the money allocated to the budget',
  action: 'Choose whether to check or add the budget',
}
export const budgetFormFrom = (body: unknown) => parseForm(budgetFields, body, budgetMessages)

const teamFields = z.object({ userId: formText(), change: formText() })
const teamMessages: FormMessages<typeof teamFields> = {
  userId: 'Choose a colleague',
  change: 'Choose the change to make',
}
export const teamFormFrom = (body: unknown) => parseForm(teamFields, body, teamMessages)
