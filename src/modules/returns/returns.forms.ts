import { z } from 'zod'
import { isIsoDate } from '../../domain/dates.ts'
import type { FormMessages } from '../../web/form-schema.ts'
import { currentDataset } from './domain/dataset.ts'

// The returns' forms, one schema each. A return's figures are checked by the dataset (parseReturn, in the
// returns service), the same for every channel: its schema only takes the form's shape, carrying what
// was typed back to the form and the check-your-answers page, so it refuses nothing itself.

// A field as typed (a field sent twice is not one the form sends: blank).
const typed = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())
// The boxes ticked: none, one or several.
const ticked = z.preprocess(
  (v) => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []),
  z.array(z.string()),
)

const datasetFields = currentDataset.sections.flatMap((section) => section.fields)

// The return form (and its check-your-answers step): the step's controls and every figure of the dataset.
export const returnForm = z.object({
  // The period, by its first day: anything else means the current period.
  periodStart: typed.transform((v) => (isIsoDate(v) ? v : undefined)),
  action: typed,
  // The version the person is changing, as the form first showed it (0: none).
  amendsVersion: typed.transform((v) => (/^\d{1,9}$/.test(v) ? Number(v) : undefined)),
  amendmentReason: typed,
  ...Object.fromEntries(datasetFields.map((f) => [f.key, f.type === 'choice' ? ticked : typed])),
})

export const returnFormMessages = {
  periodStart: 'Choose the period from your list of returns',
  action: 'Choose whether to change or send the return',
  amendsVersion: 'Enter the version being changed',
  amendmentReason: 'Enter why you are changing this return',
  // (Never shown: the schema refuses nothing. The dataset's own words, should it ever.)
  ...Object.fromEntries(
    datasetFields.map((f) => [f.key, f.errorWords.missing ?? `Check ${f.errorWords.name}`]),
  ),
} as FormMessages<typeof returnForm>

// Recording a chase of a missing return. Whether the officer may, and what they must write, is the
// completeness service's to say.
export const chaseForm = z.object({
  locationId: typed,
  periodStart: typed,
  frequency: typed,
  note: typed,
  // The list's filter and page the chase was recorded on, to go back to them.
  status: typed,
  area: typed,
  page: typed,
})

export const chaseFormMessages: FormMessages<typeof chaseForm> = {
  locationId: 'Choose the location that was chased',
  periodStart: 'Enter the period that was chased',
  frequency: 'Choose daily, weekly or monthly',
  note: 'Enter what happened when you chased the return',
  status: 'Choose missing, late or on time',
  area: 'Choose an area',
  page: 'Choose a page of the list',
}
