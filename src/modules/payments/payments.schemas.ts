import { z } from 'zod'
import { isoDateFromParts } from '../../domain/dates.ts'
import { type FormMessages, formList, formText, parseForm } from '../../web/form-schema.ts'
import type { PackageInput } from './domain/package-rows.ts'
import type { SchemeInput } from './domain/scheme-form.ts'

// The payment pages' forms as posted. Each field is taken as text; the domain rules (package-rows.ts,
// the run service) word what is wrong with it, naming the field.

const packageFormFields = z.object({
  reference: formText(),
  cqcLocationId: formText(),
  funder: formText(),
  beds: formText(),
  weeklyRate: formText(),
  hourlyRate: formText(),
  plannedHours: formText(),
  startsOn: formText(),
  endsOn: formText(),
  inArea: formText(),
  dischargePathway: formText(),
  action: formText(),
})
const packageMessages: FormMessages<typeof packageFormFields> = {
  reference: 'Enter the package reference',
  cqcLocationId: 'Enter the CQC location ID of the provider’s location',
  funder: 'Select the funder',
  beds: 'Enter the number of beds',
  weeklyRate: 'Enter the weekly rate, like 650.00',
  hourlyRate: 'Enter the hourly rate, like 18.50',
  plannedHours: 'Enter the planned hours a week, like 37.5',
  startsOn: 'Enter the start date',
  endsOn: 'Enter the end date',
  inArea: 'Select whether the package is in the council’s area',
  dischargePathway: 'Select whether it is a hospital discharge package',
  action: 'Choose whether to check, change or save the package',
}

export function packageFormFrom(body: unknown) {
  return parseForm(packageFormFields, body, packageMessages) as
    | { ok: true; value: PackageInput & { action: string } }
    | { ok: false; errors: Record<string, string> }
}

const dateParts = (prefix: string) => ({
  [`${prefix}-day`]: formText(),
  [`${prefix}-month`]: formText(),
  [`${prefix}-year`]: formText(),
})

// A GOV.UK date input's three boxes as an ISO date; '' when left empty, the text typed when not a date
// (the rules then say it is not a real date).
export function postedDate(body: unknown, prefix: string): string {
  const fields = z.object(dateParts(prefix)).safeParse(body ?? {})
  const parts = fields.success ? (fields.data as Record<string, string>) : {}
  const day = (parts[`${prefix}-day`] ?? '').trim()
  const month = (parts[`${prefix}-month`] ?? '').trim()
  const year = (parts[`${prefix}-year`] ?? '').trim()
  if (!day && !month && !year) return ''
  return isoDateFromParts({ day, month, year }) ?? `${day}/${month}/${year}?`
}

const holdFields = z.object({ reason: formText() })
export const holdFormFrom = (body: unknown) =>
  parseForm(holdFields, body, { reason: 'Enter why the line is held' })

const correctFields = z.object({ amount: formText(), reason: formText() })
export const correctFormFrom = (body: unknown) =>
  parseForm(correctFields, body, {
    amount: 'Enter the amount the line should have paid',
    reason: 'Enter why the line is corrected',
  })

const kindFields = z.object({ kind: z.enum(['packages', 'delivered_hours', 'void_beds']) })
export const importKindFrom = (body: unknown) =>
  parseForm(kindFields, body, { kind: 'Select what the file holds' })

// A payment scheme as posted: its dates from GOV.UK date inputs (startsDate, endsDate), its service
// types from checkboxes (none ticked: every type). The rules (domain/scheme-form.ts) word what is wrong.
const schemeFields = z.object({
  name: formText(),
  kind: formText(),
  percent: formText(),
  averageWeeks: formText(),
  amount: formText(),
  voidBedsFrom: formText(),
  serviceTypes: formList(),
  contractedOnly: formText(),
  area: formText(),
  funder: formText(),
  action: formText(),
})

export function schemeFormFrom(body: unknown): {
  input: SchemeInput
  action: string
  posted: Record<string, unknown>
} {
  const parsed = schemeFields.safeParse(body ?? {})
  const f = parsed.success
    ? parsed.data
    : {
        name: '',
        kind: '',
        percent: '',
        averageWeeks: '',
        amount: '',
        voidBedsFrom: '',
        serviceTypes: [],
        contractedOnly: '',
        area: '',
        funder: '',
        action: '',
      }
  const { action, ...fields } = f
  const input: SchemeInput = {
    ...fields,
    startsDate: postedDate(body, 'startsDate'),
    endsDate: postedDate(body, 'endsDate'),
  }
  // What the form shows again: the fields as typed, the date boxes too.
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const posted: Record<string, unknown> = { ...fields }
  for (const prefix of ['startsDate', 'endsDate'])
    for (const part of ['day', 'month', 'year']) {
      const v = raw[`${prefix}-${part}`]
      posted[`${prefix}-${part}`] = typeof v === 'string' ? v : ''
    }
  return { input, action, posted }
}
