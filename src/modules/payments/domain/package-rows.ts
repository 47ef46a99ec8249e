import { isIsoDate } from '../../../domain/dates.ts'
import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import { columnLetter } from '../../../domain/spreadsheet-reader.ts'
import { parseHours, parseMoney } from './money.ts'
import type { CommissionedPackage, Funder } from './schemes.ts'

// A commissioned package or bed block as typed into the form or a row of an upload, and delivered hours
// rows: the same rules, each problem named by field (the form) or by row and column (the upload). Pure:
// the council's locations and packages are looked up by the caller's function.

export const packageFields = {
  reference: 'Reference',
  cqcLocationId: 'CQC location ID',
  funder: 'Funder',
  beds: 'Beds',
  weeklyRate: 'Weekly rate',
  hourlyRate: 'Hourly rate',
  plannedHours: 'Planned hours a week',
  startsOn: 'Start date',
  endsOn: 'End date',
  inArea: 'In area',
  dischargePathway: 'Hospital discharge',
} as const
export type PackageField = keyof typeof packageFields
export type PackageInput = Record<PackageField, string>

export const deliveredFields = {
  reference: 'Reference',
  weekStarting: 'Week starting',
  hours: 'Hours delivered',
} as const
export type DeliveredField = keyof typeof deliveredFields

export const voidFields = {
  reference: 'Reference',
  beds: 'Void beds',
  startsOn: 'From',
  endsOn: 'To',
} as const
export type VoidField = keyof typeof voidFields
export type VoidRow = { reference: string; beds: number; startsOn: string; endsOn: string }

export type KnownLocation = {
  locationId: string
  providerId: string
  serviceType: CommissionedPackage['serviceType']
  inArea: boolean
  contracted: boolean
}

export type NewPackage = Omit<CommissionedPackage, 'id'>

// "2020-03-19", "19/03/2020" or "19/3/2020" as an ISO date; null when not a date.
export function parseDate(text: string): string | null {
  const t = text.trim()
  if (isIsoDate(t)) return t
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t)
  if (!m) return null
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`
  return isIsoDate(iso) ? iso : null
}

function yesNo(text: string): boolean | null | undefined {
  const t = text.trim().toLowerCase()
  if (t === '') return undefined
  if (['yes', 'y', 'true'].includes(t)) return true
  if (['no', 'n', 'false'].includes(t)) return false
  return null
}

function funderOf(text: string): Funder | null {
  const t = text.trim().toLowerCase()
  if (t === 'council' || t === '') return 'council'
  if (['nhs continuing healthcare', 'nhs chc', 'chc', 'nhs_chc'].includes(t)) return 'nhs_chc'
  return null
}

// A positive amount of money: null and the error when it is not.
function money(text: string, name: string, errors: FieldErrors, field: string, example: string) {
  if (text.trim() === '') return null
  const pence = parseMoney(text)
  if (pence === null) errors[field] = `${name} must be an amount of money, like ${example}`
  else if (pence <= 0) errors[field] = `${name} must be more than £0`
  return pence !== null && pence > 0 ? pence : null
}

export function checkPackage(
  input: PackageInput,
  findLocation: (cqcLocationId: string) => KnownLocation | undefined,
): Outcome<NewPackage> {
  const errors: FieldErrors = {}
  const reference = input.reference.trim()
  if (!reference) errors.reference = 'Enter the package reference'
  else if (reference.length > 50) errors.reference = 'Reference must be 50 characters or fewer'
  const cqc = input.cqcLocationId.trim()
  const location = cqc ? findLocation(cqc) : undefined
  if (!cqc) errors.cqcLocationId = 'Enter the CQC location ID of the provider’s location'
  else if (!location) errors.cqcLocationId = `No provider in your area has a location with the CQC ID ${cqc}`
  const funder = funderOf(input.funder)
  if (!funder) errors.funder = 'Funder must be Council or NHS continuing healthcare'

  const weeklyRatePence = money(input.weeklyRate, 'Weekly rate', errors, 'weeklyRate', '650.00')
  const hourlyRatePence = money(input.hourlyRate, 'Hourly rate', errors, 'hourlyRate', '18.50')
  let beds: number | null = null
  if (input.beds.trim()) {
    if (!/^\d+$/.test(input.beds.trim())) errors.beds = 'Beds must be a whole number, like 12'
    else if (Number(input.beds) < 1 || Number(input.beds) > 1000)
      errors.beds = 'Beds must be between 1 and 1,000'
    else beds = Number(input.beds)
  }
  let plannedHoursHundredths: number | null = null
  if (input.plannedHours.trim()) {
    const h = parseHours(input.plannedHours)
    if (h === null) errors.plannedHours = 'Planned hours a week must be a number, like 37.5'
    else if (h <= 0 || h > 16_800)
      errors.plannedHours = 'Planned hours a week must be more than 0 and at most 168'
    else plannedHoursHundredths = h
  }
  const isBeds = input.beds.trim() !== '' || input.weeklyRate.trim() !== ''
  const isHours = input.hourlyRate.trim() !== '' || input.plannedHours.trim() !== ''
  if (isBeds && isHours)
    errors.beds ??= 'Give beds and a weekly rate, or an hourly rate and planned hours, not both'
  else if (!isBeds && !isHours)
    errors.beds = 'Enter the beds and weekly rate, or the hourly rate and planned hours'
  else if (isBeds) {
    if (!input.beds.trim()) errors.beds ??= 'Enter the number of beds'
    if (!input.weeklyRate.trim()) errors.weeklyRate ??= 'Enter the weekly rate, like 650.00'
  } else {
    if (!input.hourlyRate.trim()) errors.hourlyRate ??= 'Enter the hourly rate, like 18.50'
    if (!input.plannedHours.trim()) errors.plannedHours ??= 'Enter the planned hours a week, like 37.5'
  }

  const startsOn = parseDate(input.startsOn)
  if (!input.startsOn.trim()) errors.startsOn = 'Enter the start date'
  else if (!startsOn) errors.startsOn = 'Start date must be a real date, like 2020-03-19 or 19/03/2020'
  const endsOn = input.endsOn.trim() ? parseDate(input.endsOn) : null
  if (input.endsOn.trim() && !endsOn)
    errors.endsOn = 'End date must be a real date, like 2020-06-30 or 30/06/2020'
  else if (startsOn && endsOn && endsOn < startsOn)
    errors.endsOn = 'End date must be the same as or after the start date'
  const inArea = yesNo(input.inArea)
  if (inArea === null) errors.inArea = 'In area must be Yes or No'
  const discharge = yesNo(input.dischargePathway)
  if (discharge === null) errors.dischargePathway = 'Hospital discharge must be Yes or No'

  if (Object.keys(errors).length || !location || !funder || !startsOn) return { ok: false, errors }
  return {
    ok: true,
    value: {
      reference,
      providerId: location.providerId,
      locationId: location.locationId,
      serviceType: location.serviceType,
      funder,
      beds: isBeds ? beds : null,
      weeklyRatePence: isBeds ? weeklyRatePence : null,
      hourlyRatePence: isBeds ? null : hourlyRatePence,
      plannedHoursHundredths: isBeds ? null : plannedHoursHundredths,
      startsOn,
      endsOn,
      inArea: inArea ?? location.inArea,
      dischargePathway: discharge ?? false,
      contracted: location.contracted,
    },
  }
}

export type DeliveredRow = { reference: string; weekStarting: string; hoursHundredths: number }

export function checkDelivered(
  input: Record<DeliveredField, string>,
  isKnownHoursPackage: (reference: string) => boolean,
): Outcome<DeliveredRow> {
  const errors: FieldErrors = {}
  const reference = input.reference.trim()
  if (!reference) errors.reference = 'Enter the package reference'
  else if (!isKnownHoursPackage(reference))
    errors.reference = `No home care package has the reference ${reference}`
  const weekStarting = parseDate(input.weekStarting)
  if (!input.weekStarting.trim()) errors.weekStarting = 'Enter the date the week starts'
  else if (!weekStarting) errors.weekStarting = 'Week starting must be a real date, like 2020-04-06'
  const hours = parseHours(input.hours)
  if (!input.hours.trim()) errors.hours = 'Enter the hours delivered'
  else if (hours === null) errors.hours = 'Hours delivered must be a number, like 37.5'
  else if (hours < 0) errors.hours = 'Hours delivered cannot be negative'
  if (Object.keys(errors).length || !weekStarting || hours === null) return { ok: false, errors }
  return { ok: true, value: { reference, weekStarting, hoursHundredths: hours } }
}

// Commissioned beds left empty, a list row at a time: the package, how many beds, from and to.
export function checkVoid(
  input: Record<VoidField, string>,
  isKnownBedPackage: (reference: string) => boolean,
): Outcome<VoidRow> {
  const errors: FieldErrors = {}
  const reference = input.reference.trim()
  if (!reference) errors.reference = 'Enter the package reference'
  else if (!isKnownBedPackage(reference))
    errors.reference = `No package of beds has the reference ${reference}`
  const beds = input.beds.trim()
  if (!beds) errors.beds = 'Enter the number of void beds'
  else if (!/^\d+$/.test(beds) || Number(beds) < 1) errors.beds = 'Void beds must be a whole number, like 2'
  const startsOn = parseDate(input.startsOn)
  const endsOn = parseDate(input.endsOn)
  if (!input.startsOn.trim()) errors.startsOn = 'Enter the first day the beds were empty'
  else if (!startsOn) errors.startsOn = 'From must be a real date, like 2020-04-06'
  if (!input.endsOn.trim()) errors.endsOn = 'Enter the last day the beds were empty'
  else if (!endsOn) errors.endsOn = 'To must be a real date, like 2020-04-19'
  else if (startsOn && endsOn < startsOn) errors.endsOn = 'To must be the same as or after From'
  if (Object.keys(errors).length || !startsOn || !endsOn) return { ok: false, errors }
  return { ok: true, value: { reference, beds: Number(beds), startsOn, endsOn } }
}

export type RowProblem = { rowNumber: number; column: string; message: string }

// The rows of an upload against the fields: the header names the columns (in any order); each field's
// problem is reported at its row and column. A missing column is a problem of the header row.
export function checkRows<F extends string, T>(
  fields: Record<F, string>,
  header: string[],
  rows: { rowNumber: number; cells: string[] }[],
  headerRowNumber: number,
  check: (input: Record<F, string>) => Outcome<T>,
  required: NoInfer<F>[],
): { values: T[]; rowNumbers: number[]; problems: RowProblem[] } {
  const names = Object.entries(fields) as [F, string][]
  const index = new Map<F, number>()
  const problems: RowProblem[] = []
  for (const [field, title] of names) {
    const at = header.findIndex((h) => h.trim().toLowerCase() === title.toLowerCase())
    if (at >= 0) index.set(field, at)
    else if (required.includes(field))
      problems.push({ rowNumber: headerRowNumber, column: title, message: `There is no ${title} column` })
  }
  if (problems.length) return { values: [], rowNumbers: [], problems }
  const values: T[] = []
  const rowNumbers: number[] = []
  for (const row of rows) {
    const input = Object.fromEntries(
      names.map(([field]) => [field, index.has(field) ? (row.cells[index.get(field)!] ?? '') : '']),
    ) as Record<F, string>
    const checked = check(input)
    if (checked.ok) {
      values.push(checked.value)
      rowNumbers.push(row.rowNumber)
    } else
      for (const [field, message] of Object.entries(checked.errors)) {
        const at = index.get(field as F)
        const column = at === undefined ? fields[field as F] : `${columnLetter(at)} (${fields[field as F]})`
        problems.push({ rowNumber: row.rowNumber, column, message })
      }
  }
  return { values, rowNumbers, problems }
}
