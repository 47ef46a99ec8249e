import type { ProviderRow } from './providers-file.ts'
import type { ServiceType } from '../../../../domain/service-types.ts'
import type { CqcField } from './headers.ts'

// One CQC-registered location, normalised from whichever CQC file it came in.
export type CqcLocation = {
  cqcLocationId: string
  cqcProviderId: string | null
  providerName: string | null
  providerCompaniesHouseNumber: string | null
  providerOwnership: string | null
  name: string
  odsCode: string | null
  addressLine1: string | null
  addressLine2: string | null
  town: string | null
  postcode: string | null
  localAuthorityName: string | null
  serviceType: ServiceType
  // Care homes only: CQC files say "0" beds for community services, which is not a bed count.
  registeredBeds: number | null
  cqcRating: string | null
  cqcRatingDate: string | null
  registrationStart: string | null
  registrationEnd: string | null
  dormant: boolean
  // When the CQC says the dormancy began (the API's records carry it).
  dormancyStart: string | null
  status: 'open' | 'closed'
}

export type ImportProblem = {
  rowNumber: number | null
  column: string | null
  reason: string
  value?: string
  // Carried so a problems list can say which location a row was about.
  cqcLocationId?: string | null
}

export type ParsedRow =
  | { rowNumber: number; outcome: 'location'; location: CqcLocation }
  | { rowNumber: number; outcome: 'skip'; cqcLocationId: string | null; name: string | null; reason: string }
  | {
      rowNumber: number
      outcome: 'error'
      cqcLocationId: string | null
      problems: ImportProblem[]
      // When the row said where it is, restricting to an area can set aside other areas' faulty rows.
      localAuthorityName?: string | null
    }

export type CqcFileFormat =
  | 'care-directory-with-filters'
  | 'care-directory'
  | 'cqc-api-jsonl'
  | 'cqc-api-providers-jsonl'

export type ParsedFile = {
  format: CqcFileFormat | null
  rows: ParsedRow[]
  fileProblems: ImportProblem[]
  // The Location ID column as this file names it, for problems found after parsing.
  locationIdColumn?: string
  // The known columns the file's header has (a table's), so an import changes only what it carries.
  // Unset (the API's records): every fact.
  columns?: CqcField[]
  // A providers file's readable records (its faulty ones are in `rows`, as errors).
  providers?: ProviderRow[]
}

// CQC location IDs are "1-" and 9 to 11 digits in every file seen (2010 to 2025); allow 12 for growth.
const cqcIdPattern = /^1-\d{9,12}$/
// NHS trust sites are registered under their ODS site code instead (e.g. RX3LD, 5J501, TADHQ).
const nhsSiteCodePattern = /^(?=[0-9A-Z]*[A-Z])[0-9A-Z]{5}$/

export function isCqcLocationId(value: string): boolean {
  return cqcIdPattern.test(value) || nhsSiteCodePattern.test(value)
}

// Upper-case with a single space before the inward code ("ol1  4hq" → "OL1 4HQ").
export function normalisePostcode(value: string | null): string | null {
  if (value === null) return null
  const compact = value.replace(/\s+/g, '').toUpperCase()
  if (compact === '') return null
  if (compact.length < 5) return compact
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`
}

// The overall ratings CQC publishes, with the casing the files disagree on settled.
const ratings = ['Outstanding', 'Good', 'Requires improvement', 'Inadequate', 'Inspected but not rated']

export function normaliseRating(value: string | null): string | null {
  if (value === null) return null
  const wanted = value.trim().toLowerCase()
  if (wanted === '' || wanted === 'no published rating') return null
  return ratings.find((r) => r.toLowerCase() === wanted) ?? value.trim()
}
