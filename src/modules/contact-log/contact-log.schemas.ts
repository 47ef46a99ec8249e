import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formList, formText, parseForm } from '../../web/form-schema.ts'
import type { ContactForm } from './domain/contact-log.rules.ts'

// The contact log's forms as posted. Whether a contact is valid (its date against today, the alerts
// still open, who may mark it council only) is the domain's rule (validateContact), which words every
// message; these schemas take each field as text, or a list for the alerts.

const contactFields = z.object({
  state: formText(),
  method: formText(),
  direction: formText(),
  category: formText(),
  'contactDate-day': formText(),
  'contactDate-month': formText(),
  'contactDate-year': formText(),
  contactTime: formText(),
  spokeTo: formText(),
  summary: formText(),
  actionsAgreed: formText(),
  'followUpDate-day': formText(),
  'followUpDate-month': formText(),
  'followUpDate-year': formText(),
  restricted: formText(),
  alertIds: formList(),
})

const contactMessages: FormMessages<typeof contactFields> = {
  state: 'Select whether the contact has happened or is planned',
  method: 'Select how the contact was made',
  direction: 'Select who made the contact',
  category: 'Select what the contact was about',
  'contactDate-day': 'Enter the date of the contact',
  'contactDate-month': 'Enter the date of the contact',
  'contactDate-year': 'Enter the date of the contact',
  contactTime: 'Enter the time as hours and minutes, for example 14:30',
  spokeTo: 'Enter who you spoke to',
  summary: 'Enter a summary of the contact',
  actionsAgreed: 'Enter the actions agreed',
  'followUpDate-day': 'Follow-up date must be a real date, for example 2 4 2020',
  'followUpDate-month': 'Follow-up date must be a real date, for example 2 4 2020',
  'followUpDate-year': 'Follow-up date must be a real date, for example 2 4 2020',
  restricted: 'Select whether only council staff may see the contact',
  alertIds: 'Select only alerts that are still open for this location',
}

// A date's three boxes are one field to the error summary (GOV.UK date input pattern).
const dateField = (field: string) => field.replace(/Date-(day|month|year)$/, 'Date')

export function contactFormFrom(body: unknown): Outcome<ContactForm> {
  const parsed = parseForm(contactFields, body, contactMessages)
  if (!parsed.ok)
    return {
      ok: false,
      errors: Object.fromEntries(
        Object.entries(parsed.errors).map(([field, text]) => [dateField(field), text]),
      ),
    }
  const f = parsed.value
  return {
    ok: true,
    value: {
      method: f.method,
      direction: f.direction,
      category: f.category,
      state: f.state,
      contactDay: f['contactDate-day'],
      contactMonth: f['contactDate-month'],
      contactYear: f['contactDate-year'],
      contactTime: f.contactTime,
      spokeTo: f.spokeTo,
      summary: f.summary,
      actionsAgreed: f.actionsAgreed,
      followUpDay: f['followUpDate-day'],
      followUpMonth: f['followUpDate-month'],
      followUpYear: f['followUpDate-year'],
      restricted: f.restricted,
      alertIds: f.alertIds,
    },
  }
}

// "Mark the follow-up done": where to go back to afterwards.
export const followUpDoneForm = z.object({ returnTo: formText() })
export const followUpDoneMessages: FormMessages<typeof followUpDoneForm> = {
  returnTo: 'Choose where to go back to',
}
