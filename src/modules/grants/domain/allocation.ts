import { addDaysToIsoDate, dateInWords } from '../../../domain/dates.ts'
import { largestRemainder } from './largest-remainder.ts'
import { grouped, pounds } from './money.ts'

// A round's allocation: the pot less what is retained, split between the formula share, an optional
// share per person supported to home care, and the council's discretion; each formula share split
// between its eligible locations in proportion to their basis (registered beds, occupied beds, people
// supported) on the snapshot date, to the penny by largest remainder.
// Every line carries its reason when it gets nothing and its arithmetic in words when it gets money. Pure.

export const bases = ['registered_beds', 'occupied_beds', 'people_supported'] as const
export type Basis = (typeof bases)[number]
export const basisNames: Record<Basis, string> = {
  registered_beds: 'registered beds (care homes)',
  occupied_beds: 'occupied beds (care homes)',
  people_supported: 'people supported (home care)',
}
const basisUnits: Record<Basis, [one: string, many: string]> = {
  registered_beds: ['registered bed', 'registered beds'],
  occupied_beds: ['occupied bed', 'occupied beds'],
  people_supported: ['person supported', 'people supported'],
}

export const eligibilityRules = [
  'registered-open',
  'tracker-up-to-date',
  'returns-submitted',
  'not-refused',
] as const
export type EligibilityRule = (typeof eligibilityRules)[number]
export const eligibilityRuleNames: Record<EligibilityRule, string> = {
  'registered-open': 'Registered and open in the area on the snapshot date',
  'tracker-up-to-date':
    'Capacity tracker up to date: a capacity tracker record in the 14 days to the snapshot date',
  'returns-submitted': 'Capacity tracker or return submitted in the 14 days to the snapshot date',
  'not-refused': 'Has not refused the terms of an earlier round',
}
export const returnsWindowDays = 14

export type RoundTerms = {
  potPence: bigint
  retainedPence: bigint
  // Basis points (7500 = 75 %) of the pot less retained sums that the formula allocates.
  formulaShareBp: number
  // Basis points given per person supported to home care beside the formula's share (per bed) to care
  // homes; 0 or absent when the formula alone is shared out.
  homeCareShareBp?: number
  basis: Basis
  snapshotDate: string
  rules: readonly EligibilityRule[]
}

// What the directory and the returns say about one location on the snapshot date.
export type Candidate = {
  locationId: string
  providerId: string
  name: string
  careHome: boolean
  inArea: boolean
  statusOnSnapshot: 'open' | 'dormant' | 'closed' | 'not-yet-open'
  // Registered beds as they stood on the snapshot date (the directory's dated history).
  registeredBeds: number | null
  // Beds occupied in the latest return in the 14 days to the snapshot date.
  occupiedBeds: number | null
  peopleSupported: number | null
  // The latest return or capacity tracker record on or before the snapshot date.
  lastReturnOn: string | null
  // The latest capacity tracker record (an import of its extract) on or before the snapshot date.
  lastTrackerOn?: string | null
  // The name of an earlier round whose terms it declined, if any.
  refusedRound: string | null
}

export type AllocationLine = {
  locationId: string
  providerId: string
  name: string
  basisValue: number
  eligible: boolean
  reason: string | null
  amountPence: bigint
  explanation: string
}

export type Allocation = {
  distributablePence: bigint
  // The formula's share (per the round's basis) and the home care share (per person supported).
  formulaPence: bigint
  homeCarePence: bigint
  discretionaryPence: bigint
  // The formula's basis over its eligible locations, and the people supported by eligible home care.
  totalBasis: number
  homeCareTotal: number
  lines: AllocationLine[]
}

export function splitPot(
  terms: Pick<RoundTerms, 'potPence' | 'retainedPence' | 'formulaShareBp' | 'homeCareShareBp'>,
) {
  const distributablePence = terms.potPence - terms.retainedPence
  const homeCareBp = terms.homeCareShareBp ?? 0
  const [formulaPence, homeCarePence, discretionaryPence] = largestRemainder(distributablePence, [
    BigInt(terms.formulaShareBp),
    BigInt(homeCareBp),
    BigInt(10_000 - terms.formulaShareBp - homeCareBp),
  ]) as [bigint, bigint, bigint]
  return { distributablePence, formulaPence, homeCarePence, discretionaryPence }
}

// The basis a location is allocated by: home care by people supported when the round has a home care
// share, everything else by the round's basis.
const basisFor = (terms: RoundTerms, c: Candidate): Basis =>
  (terms.homeCareShareBp ?? 0) > 0 && !c.careHome ? 'people_supported' : terms.basis

// Why a location gets nothing, or null when the round's rules let it in.
export function ineligibility(
  terms: RoundTerms,
  c: Candidate,
  on = dateInWords(terms.snapshotDate),
  returnsFrom = addDaysToIsoDate(terms.snapshotDate, -(returnsWindowDays - 1)),
): string | null {
  const basis = basisFor(terms, c)
  const value = basisValueOf(basis, c)
  if (!c.inArea) return 'Not in the council’s area'
  if (basis !== 'people_supported' && !c.careHome)
    return `Not a care home: the round is per ${basisUnits[basis][0]}`
  if (basis === 'people_supported' && c.careHome) return 'A care home: the round is per person supported'
  if (terms.rules.includes('registered-open') && c.statusOnSnapshot !== 'open')
    return c.statusOnSnapshot === 'not-yet-open'
      ? `Not yet registered on ${on}`
      : `${c.statusOnSnapshot === 'closed' ? 'Closed' : 'Dormant'} on ${on}`
  if (value <= 0)
    return basis === 'occupied_beds'
      ? `No return in the ${returnsWindowDays} days to ${on} with beds occupied`
      : `No ${basisUnits[basis][1]} on ${on}`
  if (
    terms.rules.includes('tracker-up-to-date') &&
    !withinDays(c.lastTrackerOn, returnsFrom, terms.snapshotDate)
  )
    return `No capacity tracker record in the ${returnsWindowDays} days to ${on}`
  if (terms.rules.includes('returns-submitted')) {
    if (!withinDays(c.lastReturnOn, returnsFrom, terms.snapshotDate))
      return `No capacity tracker or return in the ${returnsWindowDays} days to ${on}`
  }
  if (terms.rules.includes('not-refused') && c.refusedRound) return `Refused the terms of ${c.refusedRound}`
  return null
}

const withinDays = (day: string | null | undefined, from: string, to: string) =>
  !!day && day >= from && day <= to

const basisValueOf = (basis: Basis, c: Candidate) =>
  (basis === 'registered_beds'
    ? c.registeredBeds
    : basis === 'occupied_beds'
      ? c.occupiedBeds
      : c.peopleSupported) ?? 0

export function computeAllocation(terms: RoundTerms, candidates: readonly Candidate[]): Allocation {
  const split = splitPot(terms)
  // Worked out once: a round may cover thousands of locations.
  const on = dateInWords(terms.snapshotDate)
  const returnsFrom = addDaysToIsoDate(terms.snapshotDate, -(returnsWindowDays - 1))
  const reasons = candidates.map((c) => ineligibility(terms, c, on, returnsFrom))
  const byBasis = candidates.map((c) => basisFor(terms, c))
  const homeCare = byBasis.map((b) => b !== terms.basis)
  // Each share split between its own locations: the formula's, then the home care share's.
  const shareOut = (pence: bigint, mine: (i: number) => boolean) => {
    const weights = candidates.map((c, i) =>
      mine(i) && reasons[i] === null ? BigInt(basisValueOf(byBasis[i]!, c)) : 0n,
    )
    const total = weights.reduce((a, b) => a + b, 0n)
    return { amounts: largestRemainder(pence, weights), total: Number(total) }
  }
  const formula = shareOut(split.formulaPence, (i) => !homeCare[i])
  const care = shareOut(split.homeCarePence, (i) => homeCare[i]!)
  const texts = {
    formula: { total: grouped(formula.total), share: pounds(split.formulaPence) },
    care: { total: grouped(care.total), share: pounds(split.homeCarePence) },
  }
  const lines = candidates.map((c, i): AllocationLine => {
    const basis = byBasis[i]!
    const value = basisValueOf(basis, c)
    const reason = reasons[i] ?? null
    const amountPence = homeCare[i] ? care.amounts[i]! : formula.amounts[i]!
    const [one, many] = basisUnits[basis]
    const text = homeCare[i] ? texts.care : texts.formula
    return {
      locationId: c.locationId,
      providerId: c.providerId,
      name: c.name,
      basisValue: value,
      eligible: reason === null,
      reason,
      amountPence,
      explanation:
        reason === null
          ? `${grouped(value)} ${value === 1 ? one : many} of ${text.total} in the area on ${on} × ${text.share} = ${pounds(amountPence)}`
          : `Nothing: ${reason}`,
    }
  })
  return { ...split, totalBasis: formula.total, homeCareTotal: care.total, lines }
}

// What changed between two previews: each location whose amount or reason differs, and those that
// appear or disappear. Unchanged locations are not listed.
export type PreviewLine = { locationId: string; name: string; amountPence: bigint; reason: string | null }
export type PreviewChange = {
  locationId: string
  name: string
  beforePence: bigint | null
  afterPence: bigint | null
  beforeReason: string | null
  afterReason: string | null
}

export function previewChanges(
  before: readonly PreviewLine[],
  after: readonly PreviewLine[],
): PreviewChange[] {
  const old = new Map(before.map((l) => [l.locationId, l]))
  const changes: PreviewChange[] = []
  for (const line of after) {
    const was = old.get(line.locationId)
    old.delete(line.locationId)
    if (was && was.amountPence === line.amountPence && was.reason === line.reason) continue
    changes.push({
      locationId: line.locationId,
      name: line.name,
      beforePence: was ? was.amountPence : null,
      afterPence: line.amountPence,
      beforeReason: was ? was.reason : null,
      afterReason: line.reason,
    })
  }
  for (const was of old.values())
    changes.push({
      locationId: was.locationId,
      name: was.name,
      beforePence: was.amountPence,
      afterPence: null,
      beforeReason: was.reason,
      afterReason: null,
    })
  return changes
}
