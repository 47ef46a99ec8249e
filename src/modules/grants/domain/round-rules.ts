import { dateInWords, isoDateFromParts } from '../../../domain/dates.ts'
import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import { type Basis, bases, type EligibilityRule, eligibilityRules } from './allocation.ts'
import { parsePercent, parsePounds } from './money.ts'

// A round as finance types it, and the rules that make it a round: a pot that is money, shares that
// sum to 100 %, tranches on or after the round's date whose shares sum to 100 %, measures listed. Pure.

export type RoundForm = {
  name: string
  pot: string
  retained: string
  retainedPurpose: string
  formulaShare: string
  // Per person supported to home care, beside the formula's share to care homes (blank: none).
  homeCareShare?: string
  discretionaryShare: string
  basis: string
  snapshotDay: string
  snapshotMonth: string
  snapshotYear: string
  roundDay: string
  roundMonth: string
  roundYear: string
  passOnDays: string
  tranche1Day: string
  tranche1Month: string
  tranche1Year: string
  tranche1Share: string
  tranche2Day: string
  tranche2Month: string
  tranche2Year: string
  tranche2Share: string
  measuresAllowed: string
  measuresNotAllowed: string
  rules: string[]
  clawback: string
  funderId: string
}

export type Tranche = { number: number; payOn: string; shareBp: number }

export type RoundDraft = {
  name: string
  potPence: bigint
  retainedPence: bigint
  retainedPurpose: string | null
  formulaShareBp: number
  homeCareShareBp: number
  basis: Basis
  snapshotDate: string
  roundDate: string
  passOnWorkingDays: number
  tranches: Tranche[]
  measuresAllowed: string[]
  measuresNotAllowed: string[]
  rules: EligibilityRule[]
  clawbackUnspent: boolean
  funderId: string
}

// The council's identifier in the 360Giving sense: a local authority in England (GB-LAE-) or Scotland
// (GB-LAS-), Wales (GB-WALEDU-)… here the English and Scottish registers' short codes.
export const funderIdPattern = /^GB-LA[ES]-[A-Z]{3,4}$/

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)

export function validateRound(form: RoundForm): Outcome<RoundDraft> {
  const errors: FieldErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = 'Enter the name of the round'
  else if (name.length > 120) errors.name = 'The name must be 120 characters or fewer'

  const potPence = parsePounds(form.pot)
  if (!form.pot.trim()) errors.pot = 'Enter the pot'
  else if (potPence === null || potPence <= 0n)
    errors.pot = 'The pot must be an amount of money, like £1,250,000.00'

  const retainedPence = form.retained.trim() ? parsePounds(form.retained) : 0n
  if (retainedPence === null) errors.retained = 'The retained sum must be an amount of money, like £50,000.00'
  else if (potPence !== null && retainedPence > potPence)
    errors.retained = 'The retained sum must not be more than the pot'
  const retainedPurpose = form.retainedPurpose.trim()
  if (retainedPence && retainedPence > 0n && !retainedPurpose)
    errors.retainedPurpose = 'Enter what the retained sum is for'

  const formulaShareBp = parsePercent(form.formulaShare)
  const discretionaryBp = form.discretionaryShare.trim() ? parsePercent(form.discretionaryShare) : 0
  const homeCareBp = form.homeCareShare?.trim() ? parsePercent(form.homeCareShare) : 0
  if (formulaShareBp === null)
    errors.formulaShare = 'The share allocated by the formula must be a percentage, like 75'
  else if (homeCareBp === null)
    errors.homeCareShare = 'The share per person supported to home care must be a percentage, like 10'
  else if (discretionaryBp === null)
    errors.discretionaryShare = 'The discretionary share must be a percentage, like 25'
  else if (formulaShareBp + homeCareBp + discretionaryBp !== 10_000)
    errors.formulaShare = homeCareBp
      ? 'The formula, home care and discretionary shares must add up to 100 %'
      : 'The formula and discretionary shares must add up to 100 %'

  if (!(bases as readonly string[]).includes(form.basis)) errors.basis = 'Select what the formula is per'
  else if (homeCareBp && form.basis === 'people_supported')
    errors.homeCareShare =
      'A share per person supported to home care needs the formula to be per registered or occupied bed'

  const snapshotDate = isoDateFromParts({
    day: form.snapshotDay,
    month: form.snapshotMonth,
    year: form.snapshotYear,
  })
  if (!snapshotDate) errors.snapshotDate = 'Enter the snapshot date as a real date, like 15 5 2020'
  const roundDate = isoDateFromParts({ day: form.roundDay, month: form.roundMonth, year: form.roundYear })
  if (!roundDate) errors.roundDate = 'Enter the date of the round as a real date, like 22 5 2020'

  const passOnWorkingDays = Number(form.passOnDays.trim())
  if (!/^\d{1,2}$/.test(form.passOnDays.trim()) || passOnWorkingDays < 1 || passOnWorkingDays > 60)
    errors.passOnDays = 'The working days to pass the money on must be a whole number from 1 to 60'

  const tranches: Tranche[] = []
  let trancheTotal = 0
  for (const n of [1, 2] as const) {
    const f = (part: string) => (form as unknown as Record<string, string>)[`tranche${n}${part}`] ?? ''
    const given = [f('Day'), f('Month'), f('Year'), f('Share')].some((v) => v.trim())
    if (n === 2 && !given) continue
    const which = n === 1 ? 'first' : 'second'
    const payOn = isoDateFromParts({ day: f('Day'), month: f('Month'), year: f('Year') })
    const shareBp = parsePercent(f('Share'))
    if (!payOn)
      errors[`tranche${n}Date`] = `Enter the ${which} tranche’s payment date as a real date, like 29 5 2020`
    else if (roundDate && payOn < roundDate)
      errors[`tranche${n}Date`] =
        `The ${which} tranche’s payment date must be on or after the round’s date, ${dateInWords(roundDate)}`
    if (shareBp === null || shareBp === 0)
      errors[`tranche${n}Share`] = `The ${which} tranche’s share must be a percentage, like 50`
    if (payOn && shareBp) {
      tranches.push({ number: n, payOn, shareBp })
      trancheTotal += shareBp
    }
  }
  if (tranches.length === 2 && tranches[1]!.payOn < tranches[0]!.payOn)
    errors.tranche2Date = 'The second tranche’s payment date must be on or after the first’s'
  if (!errors.tranche1Share && !errors.tranche2Share && tranches.length && trancheTotal !== 10_000)
    errors.tranche1Share = 'The tranches’ shares must add up to 100 %'

  const measuresAllowed = lines(form.measuresAllowed)
  const measuresNotAllowed = lines(form.measuresNotAllowed)
  if (measuresAllowed.length === 0)
    errors.measuresAllowed = 'Enter the measures the money may be spent on, one a line'
  else if (measuresAllowed.some((m) => m.length > 100))
    errors.measuresAllowed = 'Each measure must be 100 characters or fewer'
  else if (new Set(measuresAllowed.map((m) => m.toLowerCase())).size !== measuresAllowed.length)
    errors.measuresAllowed = 'Each measure must be listed once'
  if (measuresNotAllowed.some((m) => m.length > 100))
    errors.measuresNotAllowed = 'Each measure must be 100 characters or fewer'

  const rules = form.rules.filter((r): r is EligibilityRule =>
    (eligibilityRules as readonly string[]).includes(r),
  )
  if (rules.length !== form.rules.length) errors.rules = 'Select the eligibility rules from the list'

  if (form.clawback !== 'yes' && form.clawback !== 'no')
    errors.clawback = 'Select whether unspent money is clawed back'

  const funderId = form.funderId.trim().toUpperCase()
  if (!funderIdPattern.test(funderId))
    errors.funderId = 'Enter the council’s 360Giving identifier, like GB-LAE-BIR'

  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      name,
      potPence: potPence!,
      retainedPence: retainedPence!,
      retainedPurpose: retainedPurpose || null,
      formulaShareBp: formulaShareBp!,
      homeCareShareBp: homeCareBp!,
      basis: form.basis as Basis,
      snapshotDate: snapshotDate!,
      roundDate: roundDate!,
      passOnWorkingDays,
      tranches,
      measuresAllowed,
      measuresNotAllowed,
      rules,
      clawbackUnspent: form.clawback === 'yes',
      funderId,
    },
  }
}

// The errors in the order the form shows its fields (date fields by their first input).
export const roundFieldOrder = [
  'name',
  'pot',
  'retained',
  'retainedPurpose',
  'formulaShare',
  'homeCareShare',
  'discretionaryShare',
  'basis',
  'snapshotDate',
  'roundDate',
  'passOnDays',
  'tranche1Date',
  'tranche1Share',
  'tranche2Date',
  'tranche2Share',
  'measuresAllowed',
  'measuresNotAllowed',
  'rules',
  'clawback',
  'funderId',
]
