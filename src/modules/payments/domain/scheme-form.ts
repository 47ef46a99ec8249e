import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import { type ServiceType, serviceTypes } from '../../../domain/service-types.ts'
import { daysInclusive } from './dates.ts'
import { parseMoney, parsePercent } from './money.ts'
import { parseDate } from './package-rows.ts'
import { type AreaRule, type Funder, funders, type SchemeKind, schemeKinds } from './schemes.ts'

// A payment scheme as a finance officer types it: every field as text, checked here, each problem
// naming its field. Only the figure the kind uses is kept (a percentage for an uplift, weeks for an
// average payment, a sum for a one-off). Pure.

export type SchemeInput = {
  name: string
  kind: string
  percent: string
  averageWeeks: string
  amount: string
  voidBedsFrom: string
  startsDate: string
  endsDate: string
  serviceTypes: string[]
  contractedOnly: string
  area: string
  funder: string
}

export type VoidBedsFrom = 'returns' | 'list'

export type NewScheme = {
  name: string
  kind: SchemeKind
  startsOn: string
  endsOn: string
  percentBasisPoints: number | null
  averageWeeks: number | null
  amountPence: number | null
  voidBedsFrom: VoidBedsFrom
  serviceTypes: ServiceType[]
  contractedOnly: boolean
  area: AreaRule
  funder: Funder | 'any'
}

// The order of the form's fields, for the error summary.
export const schemeFieldOrder = [
  'name',
  'kind',
  'percent',
  'averageWeeks',
  'amount',
  'voidBedsFrom',
  'startsDate',
  'endsDate',
  'serviceTypes',
  'contractedOnly',
  'area',
  'funder',
]

const member = <T extends string>(list: readonly T[], v: string): T | null =>
  (list as readonly string[]).includes(v) ? (v as T) : null

export function checkScheme(input: SchemeInput): Outcome<NewScheme> {
  const errors: FieldErrors = {}
  const name = input.name.trim()
  if (!name) errors.name = 'Enter the name of the scheme'
  else if (name.length > 200) errors.name = 'The name must be 200 characters or fewer'

  const kind = member(schemeKinds, input.kind)
  if (!kind) errors.kind = 'Select the kind of scheme'

  let percentBasisPoints: number | null = null
  if (kind === 'uplift' || kind === 'discharge_rate') {
    const text = input.percent.trim()
    const parsed = parsePercent(text)
    if (!text) errors.percent = 'Enter the uplift as a percentage, like 10'
    else if (parsed === null) errors.percent = 'The uplift must be a number, like 10 or 6.5'
    else if (parsed <= 0) errors.percent = 'The uplift must be more than 0 %'
    else if (parsed > 100_000) errors.percent = 'The uplift must be 1,000 % or less'
    else percentBasisPoints = parsed
  }

  let averageWeeks: number | null = null
  if (kind === 'average_payment') {
    const text = input.averageWeeks.trim()
    if (!text) errors.averageWeeks = 'Enter how many weeks make the average'
    else if (!/^\d{1,3}$/.test(text))
      errors.averageWeeks = 'The number of weeks must be a whole number, like 4'
    else if (Number(text) < 1 || Number(text) > 52)
      errors.averageWeeks = 'The number of weeks must be between 1 and 52'
    else averageWeeks = Number(text)
  }

  let amountPence: number | null = null
  if (kind === 'one_off') {
    const text = input.amount.trim()
    const parsed = parseMoney(text)
    if (!text) errors.amount = 'Enter the sum paid to each provider'
    else if (parsed === null) errors.amount = 'The sum must be an amount of money, like 500.00'
    else if (parsed <= 0) errors.amount = 'The sum must be more than £0'
    else amountPence = parsed
  }

  let voidBedsFrom: VoidBedsFrom = 'list'
  if (kind === 'void_beds') {
    const from = member(['returns', 'list'] as const, input.voidBedsFrom)
    if (!from) errors.voidBedsFrom = 'Select where the void beds come from'
    else voidBedsFrom = from
  }

  const startsOn = parseDate(input.startsDate)
  const endsOn = parseDate(input.endsDate)
  if (!input.startsDate) errors.startsDate = 'Enter the first day of the scheme'
  else if (!startsOn) errors.startsDate = 'The first day of the scheme must be a real date'
  if (!input.endsDate) errors.endsDate = 'Enter the last day of the scheme'
  else if (!endsOn) errors.endsDate = 'The last day of the scheme must be a real date'
  else if (startsOn && endsOn < startsOn)
    errors.endsDate = 'The last day of the scheme must be the same as or after the first day'
  else if (startsOn && daysInclusive(startsOn, endsOn) > 366 * 3)
    errors.endsDate = 'A scheme can last at most three years'

  const types: ServiceType[] = []
  for (const t of input.serviceTypes) {
    const known = member(serviceTypes, t)
    if (!known) errors.serviceTypes = 'Select service types from the list'
    else if (!types.includes(known)) types.push(known)
  }

  const contracted = member(['yes', 'no'] as const, input.contractedOnly)
  if (!contracted) errors.contractedOnly = 'Select whether only providers the council contracts with are paid'
  const area = member(['in', 'out', 'any'] as const, input.area)
  if (!area) errors.area = 'Select whether the scheme pays packages in or out of the area'
  const funder = member([...funders, 'any'] as const, input.funder)
  if (!funder) errors.funder = 'Select who funds the packages the scheme pays'

  if (Object.keys(errors).length || !kind || !startsOn || !endsOn || !contracted || !area || !funder)
    return { ok: false, errors }
  return {
    ok: true,
    value: {
      name,
      kind,
      startsOn,
      endsOn,
      percentBasisPoints,
      averageWeeks,
      amountPence,
      voidBedsFrom,
      serviceTypes: types,
      contractedOnly: contracted === 'yes',
      area,
      funder,
    },
  }
}
