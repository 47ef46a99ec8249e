import type { ServiceType } from '../../../domain/service-types.ts'

// The payment schemes a council may run, as data: a kind, its figures, a period and who is eligible.
// Pure: the words and the eligibility rule.

export const schemeKinds = ['uplift', 'void_beds', 'average_payment', 'discharge_rate', 'one_off'] as const
export type SchemeKind = (typeof schemeKinds)[number]

export const schemeKindNames: Record<SchemeKind, string> = {
  uplift: 'Percentage uplift on base rates',
  void_beds: 'Payment for void beds',
  average_payment: 'Average payment (hours)',
  discharge_rate: 'Hospital discharge rate',
  one_off: 'One-off sum',
}

export const funders = ['council', 'nhs_chc'] as const
export type Funder = (typeof funders)[number]
export const funderNames: Record<Funder, string> = {
  council: 'Council',
  nhs_chc: 'NHS continuing healthcare',
}

export type AreaRule = 'in' | 'out' | 'any'

export type Eligibility = {
  // Empty: every service type.
  serviceTypes: ServiceType[]
  contractedOnly: boolean
  area: AreaRule
  funder: Funder | 'any'
}

export type Scheme = {
  id: string
  name: string
  kind: SchemeKind
  startsOn: string
  endsOn: string
  // uplift and discharge_rate: the percentage, in basis points (10 % = 1000).
  percentBasisPoints: number | null
  // average_payment: how many weeks before the scheme starts make the average.
  averageWeeks: number | null
  // one_off: the sum paid to each eligible provider.
  amountPence: number | null
  // void_beds: where the void beds come from; the uploaded list when not said.
  voidBedsFrom?: 'returns' | 'list'
  eligibility: Eligibility
}

export type CommissionedPackage = {
  id: string
  reference: string
  providerId: string
  locationId: string | null
  serviceType: ServiceType
  funder: Funder
  // A package is beds at a weekly rate, or hours at an hourly rate.
  beds: number | null
  weeklyRatePence: number | null
  hourlyRatePence: number | null
  plannedHoursHundredths: number | null
  startsOn: string
  endsOn: string | null
  inArea: boolean
  dischargePathway: boolean
  // The council contracts with the package's location (or, without a location, its provider).
  contracted: boolean
}

export function isEligible(p: CommissionedPackage, e: Eligibility): boolean {
  if (e.serviceTypes.length > 0 && !e.serviceTypes.includes(p.serviceType)) return false
  if (e.contractedOnly && !p.contracted) return false
  if (e.area === 'in' && !p.inArea) return false
  if (e.area === 'out' && p.inArea) return false
  if (e.funder !== 'any' && e.funder !== p.funder) return false
  return true
}

// The public return's three columns (seed 004): home care is domiciliary, care homes residential.
export const supportCategories = ['domiciliary', 'residential', 'other'] as const
export type SupportCategory = (typeof supportCategories)[number]
export const supportCategoryNames: Record<SupportCategory, string> = {
  domiciliary: 'Domiciliary care',
  residential: 'Residential care',
  other: 'Other provision',
}

export function supportCategoryOf(serviceType: string): SupportCategory {
  if (serviceType === 'home_care') return 'domiciliary'
  if (serviceType === 'care_home_nursing' || serviceType === 'care_home_residential') return 'residential'
  return 'other'
}
