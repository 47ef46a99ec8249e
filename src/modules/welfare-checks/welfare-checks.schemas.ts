import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formList, formText, parseForm } from '../../web/form-schema.ts'
import type { CancellationForm, OutcomeForm, PersonForm } from './domain/welfare.rules.ts'

// Welfare checks' forms as posted. What makes an answer valid (today's date, the council's officers)
// is the domain's rule, which words every message; these schemas take each field as text.

// A date input's three boxes: one error for the date, on its name.
function dateOf<F extends Record<string, unknown>>(fields: F, name: string) {
  return {
    day: String(fields[`${name}-day`] ?? ''),
    month: String(fields[`${name}-month`] ?? ''),
    year: String(fields[`${name}-year`] ?? ''),
  }
}

const personFields = z.object({
  reference: formText(),
  initials: formText(),
  area: formText(),
  flags: formList(),
})
const personMessages: FormMessages<typeof personFields> = {
  reference: 'Enter the person’s reference',
  initials: 'Enter the person’s initials',
  area: 'Enter the area',
  flags: 'Select only the needs listed',
}
export const personFormFrom = (body: unknown): Outcome<PersonForm> =>
  parseForm(personFields, body, personMessages)

const outcomeFields = z.object({
  outcome: formText(),
  'outcomeDate-day': formText(),
  'outcomeDate-month': formText(),
  'outcomeDate-year': formText(),
  note: formText(),
})
const outcomeDate = 'Enter the date of the check'
const outcomeMessages: FormMessages<typeof outcomeFields> = {
  outcome: 'Select the outcome of the check',
  'outcomeDate-day': outcomeDate,
  'outcomeDate-month': outcomeDate,
  'outcomeDate-year': outcomeDate,
  note: 'Enter notes as text',
}
export function outcomeFormFrom(body: unknown): Outcome<OutcomeForm> {
  const parsed = parseForm(outcomeFields, body, outcomeMessages)
  if (!parsed.ok) return { ok: false, errors: { outcomeDate } }
  const f = parsed.value
  return { ok: true, value: { outcome: f.outcome, note: f.note, outcomeDate: dateOf(f, 'outcomeDate') } }
}

const cancellationFields = z.object({
  locationId: formText(),
  visitsCancelled: formText(),
  'cancelledDate-day': formText(),
  'cancelledDate-month': formText(),
  'cancelledDate-year': formText(),
})
const cancelledDate = 'Enter the date the visits were cancelled'
const cancellationMessages: FormMessages<typeof cancellationFields> = {
  locationId: 'Select the home-care location',
  visitsCancelled: 'Enter the number of visits cancelled',
  'cancelledDate-day': cancelledDate,
  'cancelledDate-month': cancelledDate,
  'cancelledDate-year': cancelledDate,
}
export function cancellationFormFrom(body: unknown): Outcome<CancellationForm & { locationId: string }> {
  const parsed = parseForm(cancellationFields, body, cancellationMessages)
  if (!parsed.ok) return { ok: false, errors: { cancelledDate } }
  const f = parsed.value
  return {
    ok: true,
    value: {
      locationId: f.locationId,
      visitsCancelled: f.visitsCancelled,
      cancelledDate: dateOf(f, 'cancelledDate'),
    },
  }
}

const assignFields = z.object({ personIds: formList(), officerId: formText() })
const assignMessages: FormMessages<typeof assignFields> = {
  personIds: 'Select the people whose checks you are assigning',
  officerId: 'Select the officer who will make the checks',
}
export const assignFormFrom = (body: unknown) => parseForm(assignFields, body, assignMessages)

const grantFields = z.object({ userId: formText(), give: formText() })
const grantMessages: FormMessages<typeof grantFields> = {
  userId: 'Select the person',
  give: 'Choose whether to give or remove access',
}
export const grantFormFrom = (body: unknown) => parseForm(grantFields, body, grantMessages)
