import type { ServiceType } from '../../../domain/service-types.ts'
import { unstorableText } from '../../../domain/text-limits.ts'
import { datasetV1, ppeItems } from './dataset-v1.ts'

export { datasetV1, helpKinds, ppeItems } from './dataset-v1.ts'

// The dataset definition: one versioned list of fields drives the web form, server validation, the
// CSV/XLSX template, the API's JSON schema and the exports. Pure data and functions, no I/O.

export type FieldType = 'whole-number' | 'yes-no' | 'choice' | 'text'

export type DatasetField = {
  key: string
  label: string
  hint?: string
  // The words error messages use for this field, written for it in GOV.UK style and never naming its
  // key: `missing` when a required field is left blank ("Enter the number of …", "Select yes if …");
  // `name` begins the others ("… must be 0 or more", "… must be a whole number").
  errorWords: { missing?: string; name: string }
  type: FieldType
  unit?: string
  appliesTo: readonly ServiceType[] | 'all'
  required: boolean
  max?: number
  choices?: readonly { value: string; label: string }[]
  // Counts what happened since the last return (new cases, deaths): "nothing changed" sets it to 0.
  countsSinceLastReturn?: boolean
}

export type DatasetSection = { key: string; title: string; fields: readonly DatasetField[] }

export type ReturnValue = number | boolean | string | null
export type ReturnValues = Record<string, ReturnValue>

// A rule across fields; `check` returns true when the values are consistent. Fields that were not
// reported (null) never break a rule: zero is not missing, and missing is not zero.
export type CrossFieldRule = {
  key: string
  field: string
  message: string
  appliesTo: readonly ServiceType[] | 'all'
  check: (v: ReturnValues, history: ReturnHistory) => boolean
  // Set when the rule reads the location's earlier returns: they are looked up only when it fails
  // without them (returnHistoryFor), so most returns need no extra query.
  readsHistory?: boolean
}

// What a rule may know of the location's earlier returns. `residentCasesInLast28Days`: confirmed and
// suspected cases among the people supported, reported for the 28 days before this period.
export type ReturnHistory = { residentCasesInLast28Days?: number }

export type DatasetDefinition = {
  version: number
  sections: readonly DatasetSection[]
  rules: readonly CrossFieldRule[]
}

export const currentDataset = datasetV1
const definitions = new Map<number, DatasetDefinition>([[datasetV1.version, datasetV1]])

// Old returns stay readable: each stored return names the definition it was made with.
export function datasetVersion(version: number): DatasetDefinition | null {
  return definitions.get(version) ?? null
}

const appliesTo = (target: readonly ServiceType[] | 'all', serviceType: ServiceType) =>
  target === 'all' || target.includes(serviceType)

export function sectionsFor(definition: DatasetDefinition, serviceType: ServiceType): DatasetSection[] {
  return definition.sections
    .map((s) => ({ ...s, fields: s.fields.filter((f) => appliesTo(f.appliesTo, serviceType)) }))
    .filter((s) => s.fields.length > 0)
}

// Worked out once a definition and service type: every return parsed asks (47,000 in the demo's load).
const fieldsMade = new WeakMap<DatasetDefinition, Map<ServiceType, readonly DatasetField[]>>()

export function fieldsFor(definition: DatasetDefinition, serviceType: ServiceType): readonly DatasetField[] {
  const byType = fieldsMade.get(definition) ?? new Map<ServiceType, readonly DatasetField[]>()
  fieldsMade.set(definition, byType)
  const made = byType.get(serviceType)
  if (made) return made
  const fields = Object.freeze(sectionsFor(definition, serviceType).flatMap((s) => s.fields))
  byType.set(serviceType, fields)
  return fields
}

export type FieldError = { field: string; message: string; rule?: string }
export type ParseResult =
  | { ok: true; values: ReturnValues }
  | { ok: false; errors: FieldError[]; values: ReturnValues }

// Reads raw input from any channel (form strings, CSV cells, JSON values) into typed values, with
// messages in the users' words. A blank number is "not reported" (null); zero must be typed.
export function parseReturn(
  definition: DatasetDefinition,
  serviceType: ServiceType,
  raw: Record<string, unknown>,
  options: { partial?: boolean; history?: ReturnHistory } = {},
): ParseResult {
  const errors: FieldError[] = []
  const values: ReturnValues = {}
  const fields = fieldsFor(definition, serviceType)
  const known = new Set(fields.map((f) => f.key))
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) errors.push({ field: key, message: `${key} is not a field of this return` })
  }
  for (const field of fields) {
    const input = raw[field.key]
    const name = field.errorWords.name
    const blank = input === undefined || input === null || (typeof input === 'string' && input.trim() === '')
    if (blank) {
      values[field.key] = null
      // A partial return (from the capacity tracker) fills some fields; the provider completes the rest.
      if (field.required && !options.partial)
        errors.push({ field: field.key, message: field.errorWords.missing ?? `Enter ${lowerFirst(name)}` })
      continue
    }
    switch (field.type) {
      case 'whole-number': {
        const text = typeof input === 'number' ? String(input) : String(input).trim().replace(/,/g, '')
        if (!/^-?\d+$/.test(text))
          errors.push({ field: field.key, message: `${name} must be a whole number` })
        else if (Number(text) < 0) errors.push({ field: field.key, message: `${name} must be 0 or more` })
        else if (field.max !== undefined && Number(text) > field.max)
          errors.push({
            field: field.key,
            message: `${name} must be ${field.max.toLocaleString('en-GB')} or fewer`,
          })
        else values[field.key] = Number(text)
        break
      }
      case 'yes-no': {
        const text = String(input).trim().toLowerCase()
        if (input === true || text === 'yes' || text === 'y' || text === 'true') values[field.key] = true
        else if (input === false || text === 'no' || text === 'n' || text === 'false')
          values[field.key] = false
        else errors.push({ field: field.key, message: `${name} must be yes or no` })
        break
      }
      case 'choice': {
        const chosen = (Array.isArray(input) ? input : String(input).split(/[,;|]/))
          .map((c) => String(c).trim())
          .filter(Boolean)
        const allowed = new Set((field.choices ?? []).map((c) => c.value))
        const wrong = chosen.filter((c) => !allowed.has(c))
        if (wrong.length)
          errors.push({
            field: field.key,
            message: `${wrong.map((w) => `“${w}”`).join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not one of the choices for ${lowerFirst(name)}`,
          })
        else values[field.key] = chosen.length ? [...new Set(chosen)].join(',') : null
        break
      }
      case 'text': {
        const text = String(input).trim()
        const unstorable = unstorableText(text)
        if (unstorable) errors.push({ field: field.key, message: `${name} ${unstorable}` })
        else if (field.max !== undefined && text.length > field.max)
          errors.push({
            field: field.key,
            message: `${name} must be ${field.max.toLocaleString('en-GB')} characters or fewer`,
          })
        else values[field.key] = text
        break
      }
    }
  }
  if (errors.length === 0) {
    for (const rule of definition.rules) {
      if (appliesTo(rule.appliesTo, serviceType) && !rule.check(values, options.history ?? {}))
        errors.push({
          field: rule.field,
          message: rule.message,
          ...(rule.readsHistory ? { rule: rule.key } : {}),
        })
    }
  }
  return errors.length ? { ok: false, errors, values } : { ok: true, values }
}

// Whether the figures broke only rules that read the location's history, when it was not given: then
// the caller looks it up and parses again.
export function needsHistory(result: ParseResult, history: ReturnHistory | undefined): boolean {
  return !result.ok && history === undefined && result.errors.every((e) => e.rule !== undefined)
}

function lowerFirst(text: string) {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text
}

// "Nothing changed": the last return's state (stock, staff, beds) again, with every count of what
// happened since the last return set to 0 — repeating a death would count it twice. (A count not
// reported stays not reported.)
export function carriedForward(definition: DatasetDefinition, previous: ReturnValues): ReturnValues {
  const values: ReturnValues = { ...previous }
  for (const field of definition.sections.flatMap((s) => s.fields))
    if (field.countsSinceLastReturn && typeof values[field.key] === 'number') values[field.key] = 0
  return values
}

// The fields "nothing changed" sets to 0, for the page that says so.
export function countsSinceLastReturn(
  definition: DatasetDefinition,
  serviceType: ServiceType,
): DatasetField[] {
  return fieldsFor(definition, serviceType).filter((f) => f.countsSinceLastReturn)
}

// Figures the system works out rather than asks for.
export type DerivedMeasures = {
  lowestPpeDays: number | null
  vacantBeds: number | null
  staffAbsent: number | null
  staffAbsencePercent: number | null
  newCases: number | null
}

export function derivedMeasures(values: ReturnValues): DerivedMeasures {
  const n = (k: string) => (typeof values[k] === 'number' ? (values[k] as number) : null)
  const ppe = ppeItems.map(([key]) => n(`ppeDays${key}`)).filter((v): v is number => v !== null)
  const available = n('bedsAvailable')
  const occupied = n('bedsOccupied')
  const covid = n('staffAbsentCovid')
  const other = n('staffAbsentOther')
  const employed = n('staffEmployed')
  const staffAbsent = covid !== null && other !== null ? covid + other : null
  const confirmed = n('confirmedCasesResidents')
  const confirmedStaff = n('confirmedCasesStaff')
  return {
    lowestPpeDays: ppe.length ? Math.min(...ppe) : null,
    vacantBeds: available !== null && occupied !== null ? available - occupied : null,
    staffAbsent,
    staffAbsencePercent:
      staffAbsent !== null && employed ? Math.round((1000 * staffAbsent) / employed) / 10 : null,
    newCases: confirmed !== null && confirmedStaff !== null ? confirmed + confirmedStaff : null,
  }
}

// The JSON schema of one return's values, for the API and its OpenAPI document.
export function jsonSchemaFor(definition: DatasetDefinition, serviceType: ServiceType | null) {
  const fields = serviceType
    ? fieldsFor(definition, serviceType)
    : definition.sections.flatMap((s) => s.fields)
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      fields.map((f) => [
        f.key,
        f.type === 'whole-number'
          ? { type: ['integer', 'null'], minimum: 0, maximum: f.max, description: f.label }
          : f.type === 'yes-no'
            ? { type: ['boolean', 'null'], description: f.label }
            : f.type === 'choice'
              ? {
                  type: 'array',
                  items: { enum: (f.choices ?? []).map((c) => c.value) },
                  description: f.label,
                }
              : { type: ['string', 'null'], maxLength: f.max, description: f.label },
      ]),
    ),
  }
}

// Column headings for the bulk-upload template and the exports: the field key, so files round-trip.
export function templateColumns(definition: DatasetDefinition): { key: string; label: string }[] {
  const byKey = new Map<string, { key: string; label: string }>()
  for (const field of definition.sections.flatMap((s) => s.fields)) {
    if (!byKey.has(field.key)) byKey.set(field.key, { key: field.key, label: field.label })
  }
  return [...byKey.values()]
}
