import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { isCareHome, type ServiceType, serviceTypes } from '../../domain/service-types.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { choice, type FormMessages, parseForm } from '../../web/form-schema.ts'

// The directory's forms as posted: each schema checks its fields in the users' words and gives the
// handler typed values. What needs the database (a CQC location ID already in use, whether someone may
// be invited) is the services' to say.

// A posted field as typed: its first value when it came twice, '' when it did not come.
export function postedText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : ''
}
const text = () => z.preprocess(postedText, z.string())
const trimmed = () => z.preprocess(postedText, z.string().trim())

// Posted text, trimmed, checked by `field` and then for length: too long in the words of text-limits.ts.
function withinLimit(label: string, limit: number, field: z.ZodString = z.string().trim()) {
  return z.preprocess(
    postedText,
    field.superRefine((value, ctx) => {
      const problem = tooLong(label, value, limit)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
  )
}

const required = (missing: string) => z.string().trim().min(1, { error: missing })

// Trimmed text that is blank or matches `pattern`.
const blankOr = (pattern: RegExp, message: string) =>
  trimmed().refine((value) => value === '' || pattern.test(value), { error: message })

const postcodePattern = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i
const wholeNumber = /^\d{1,6}$/
const isoDate = /^\d{4}-\d{2}-\d{2}$/

// The location form's fields, in the order of the page (and of its error summary).
export const locationFields = [
  'name',
  'providerName',
  'cqcLocationId',
  'serviceType',
  'addressLine1',
  'town',
  'postcode',
  'area',
  'registeredBeds',
  'peopleSupported',
  'contracted',
  'inArea',
  'bcpReviewedOn',
  'nhsmail',
] as const

// The form as typed, to show it again with what is wrong.
export type LocationFormValues = Record<(typeof locationFields)[number], string>

export function locationFormValues(body: unknown): LocationFormValues {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  return Object.fromEntries(locationFields.map((f) => [f, postedText(fields[f])])) as LocationFormValues
}

// A location's details as the service saves them; a blank number is "not known", never zero.
export type LocationDetails = {
  name: string
  providerName: string
  cqcLocationId: string | null
  serviceType: ServiceType
  addressLine1: string | null
  town: string | null
  postcode: string | null
  area: string | null
  registeredBeds: number | null
  peopleSupported: number | null
  // Contracted with the officer's council: yes, no, or not said (left as it is).
  contracted: boolean | null
  // Outside the officer's council's area (a new location only).
  outOfArea: boolean
  bcpReviewedOn: string | null
  nhsmail: boolean | null
}

const number = (v: string) => (v ? Number(v) : null)
const normalisePostcode = (v: string) => {
  const compact = v.toUpperCase().replace(/\s+/g, '')
  return compact ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : null
}
const yesNo = (v: string) => (v === 'yes' ? true : v === 'no' ? false : null)

// A new location names its provider; a change does not (the provider stays as it is).
function locationForm(isNew: boolean) {
  return z
    .object({
      name: withinLimit('Location name', textLimits.name, required('Enter the location’s name')),
      providerName: withinLimit(
        'Provider name',
        textLimits.name,
        isNew ? required('Enter the provider’s name') : undefined,
      ),
      cqcLocationId: blankOr(/^1-\d{6,12}$/, 'Enter a CQC location ID like 1-123456789, or leave it blank'),
      serviceType: choice(serviceTypes, { missing: 'Select the type of service' }),
      addressLine1: withinLimit('Address', textLimits.addressLine),
      town: withinLimit('Town', textLimits.town),
      postcode: blankOr(postcodePattern, 'Enter a real postcode, like NM1 2AB'),
      area: withinLimit('Area within the council', textLimits.area),
      registeredBeds: blankOr(wholeNumber, 'Registered beds must be a whole number, 0 or more'),
      peopleSupported: blankOr(wholeNumber, 'People supported must be a whole number, 0 or more'),
      contracted: trimmed(),
      inArea: trimmed(),
      bcpReviewedOn: blankOr(isoDate, 'Enter the date as YYYY-MM-DD, like 2020-04-14').refine(
        (value) => !isoDate.test(value) || !Number.isNaN(Date.parse(value)),
        { error: 'Enter a real date' },
      ),
      nhsmail: trimmed(),
    })
    .superRefine((form, ctx) => {
      if (!form.registeredBeds && isCareHome(form.serviceType))
        ctx.addIssue({
          code: 'custom',
          path: ['registeredBeds'],
          message: 'Enter the number of registered beds for a care home',
        })
    })
}

const locationMessages: FormMessages<ReturnType<typeof locationForm>> = {
  name: 'Enter the location’s name',
  providerName: 'Enter the provider’s name',
  cqcLocationId: 'Enter a CQC location ID like 1-123456789, or leave it blank',
  serviceType: 'Select the type of service',
  addressLine1: 'Enter the address',
  town: 'Enter the town',
  postcode: 'Enter a real postcode, like NM1 2AB',
  area: 'Enter the area within the council',
  registeredBeds: 'Registered beds must be a whole number, 0 or more',
  peopleSupported: 'People supported must be a whole number, 0 or more',
  contracted: 'Select whether the council contracts with this location',
  inArea: 'Select whether the location is in the council’s area',
  bcpReviewedOn: 'Enter the date as YYYY-MM-DD, like 2020-04-14',
  nhsmail: 'Select whether the location uses NHSmail',
}

export function parseLocationForm(body: unknown, isNew: boolean): Outcome<LocationDetails> {
  const parsed = parseForm(locationForm(isNew), body, locationMessages)
  if (!parsed.ok) return parsed
  const form = parsed.value
  return {
    ok: true,
    value: {
      name: form.name,
      providerName: form.providerName,
      cqcLocationId: form.cqcLocationId || null,
      serviceType: form.serviceType,
      addressLine1: form.addressLine1 || null,
      town: form.town || null,
      postcode: normalisePostcode(form.postcode),
      area: form.area || null,
      registeredBeds: number(form.registeredBeds),
      peopleSupported: number(form.peopleSupported),
      contracted: yesNo(form.contracted),
      outOfArea: form.inArea === 'out',
      bcpReviewedOn: form.bcpReviewedOn || null,
      nhsmail: yesNo(form.nhsmail),
    },
  }
}

// A named contact for a location: a name, and a telephone number or an e-mail address.
export const contactFields = ['contactName', 'contactJobTitle', 'contactPhone', 'contactEmail'] as const

const contactForm = z
  .object({
    contactName: withinLimit('Name', textLimits.name, required('Enter the contact’s name')),
    contactJobTitle: withinLimit('Role', textLimits.jobTitle),
    contactPhone: withinLimit(
      'Telephone',
      textLimits.phone,
      z
        .string()
        .trim()
        .refine((v) => v === '' || /^[+\d][\d ()-]{5,20}$/.test(v), {
          error: 'Enter a telephone number, like 01632 960 001',
        }),
    ),
    contactEmail: withinLimit(
      'E-mail address',
      textLimits.email,
      z
        .string()
        .trim()
        .refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
          error: 'Enter an e-mail address in the correct format, like name@example.org',
        }),
    ),
  })
  .superRefine((form, ctx) => {
    if (!form.contactPhone && !form.contactEmail)
      ctx.addIssue({
        code: 'custom',
        path: ['contactPhone'],
        message: 'Enter a telephone number or an e-mail address',
      })
  })

const contactMessages: FormMessages<typeof contactForm> = {
  contactName: 'Enter the contact’s name',
  contactJobTitle: 'Enter the contact’s role',
  contactPhone: 'Enter a telephone number or an e-mail address',
  contactEmail: 'Enter an e-mail address in the correct format, like name@example.org',
}

export type ContactDetails = {
  name: string
  jobTitle: string | null
  phone: string | null
  email: string | null
}

export function parseContactForm(body: unknown): Outcome<ContactDetails> {
  const parsed = parseForm(contactForm, body, contactMessages)
  if (!parsed.ok) return parsed
  const form = parsed.value
  return {
    ok: true,
    value: {
      name: form.contactName,
      jobTitle: form.contactJobTitle || null,
      phone: form.contactPhone || null,
      email: form.contactEmail.toLowerCase() || null,
    },
  }
}

// Someone from a provider invited to CareHub: access's service says what is wrong with the answers.
export const inviteForm = z.object({
  email: text(),
  displayName: text(),
  approver: text().transform((v) => v === 'yes'),
})

export const inviteMessages: FormMessages<typeof inviteForm> = {
  email: 'Enter their e-mail address',
  displayName: 'Enter their full name',
  approver: 'Select whether they can invite colleagues',
}
