import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import { maxActions } from './domain/ipc.rules.ts'

// Infection control's forms as posted. Every field is taken as text; the domain's rules word what is
// wrong with it (today's date, the council's checklist).

const dateFields = (name: string) => [`${name}-day`, `${name}-month`, `${name}-year`]
const fields = (names: string[]) => z.object(Object.fromEntries(names.map((n) => [n, formText()])))
const messages = (names: string[]) => Object.fromEntries(names.map((n) => [n, 'Check this answer']))

const planNames = [...dateFields('visitDate'), 'visitTime', 'purpose']
const planFields = fields(planNames)
export const planFormFrom = (body: unknown): Outcome<Record<string, string>> =>
  parseForm(planFields, body, messages(planNames) as FormMessages<typeof planFields>) as Outcome<
    Record<string, string>
  >

// The findings form's fields depend on the council's checklist (finding-<item id>, note-<item id>).
export function recordFormFrom(body: unknown, itemIds: readonly string[]): Outcome<Record<string, string>> {
  const names = [
    'summary',
    ...itemIds.flatMap((id) => [`finding-${id}`, `note-${id}`]),
    ...Array.from({ length: maxActions }, (_, i) => [
      `action${i + 1}Text`,
      ...dateFields(`action${i + 1}Due`),
    ]).flat(),
    ...dateFields('followUpDate'),
    'followUpPurpose',
  ]
  const schema = fields(names)
  return parseForm(schema, body, messages(names) as FormMessages<typeof schema>) as Outcome<
    Record<string, string>
  >
}

const checklistFields = z.object({ action: formText(), itemId: formText(), label: formText() })
const checklistMessages: FormMessages<typeof checklistFields> = {
  action: 'Choose whether to add, rename or remove an item',
  itemId: 'Choose a checklist item',
  label: 'Enter the checklist item',
}
export const checklistFormFrom = (body: unknown) => parseForm(checklistFields, body, checklistMessages)
