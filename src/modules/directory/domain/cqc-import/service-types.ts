import type { ServiceType } from '../../../../domain/service-types.ts'

// CQC's adult social care service types, in each export's wording: the regulated service type
// ("with filters" and the API's gacServiceTypes[].description) and the directory's plain words
// ("care directory" and gacServiceTypes[].name). Anything not here is not adult social care.
const adultSocialCareWording: Record<string, ServiceType> = {
  'care home service with nursing': 'care_home_nursing',
  'nursing homes': 'care_home_nursing',
  'care home service without nursing': 'care_home_residential',
  'residential homes': 'care_home_residential',
  'extra care housing services': 'extra_care',
  'extra care housing service': 'extra_care',
  // The API pairs "Extra Care housing services" with this directory wording.
  'supported housing': 'extra_care',
  'supported living service': 'supported_living',
  'supported living': 'supported_living',
  'domiciliary care service': 'home_care',
  'homecare agencies': 'home_care',
  'home care agencies': 'home_care',
  'shared lives': 'other',
  'specialist college service': 'other',
  'specialist colleges': 'other',
}

// When a location offers several, the one that matters most in an emergency decides.
export const serviceTypePrecedence: ServiceType[] = [
  'care_home_nursing',
  'care_home_residential',
  'extra_care',
  'supported_living',
  'home_care',
  'other',
]

function wordingKey(value: string): string {
  return value.replace(/\s+/g, ' ').trim().toLowerCase()
}

// One CQC service type in any export's wording → ours, or null when it is not adult social care.
export function mapCqcServiceType(value: string): ServiceType | null {
  return adultSocialCareWording[wordingKey(value)] ?? null
}

// "With filters" and the directory join with commas, the flattened API with pipes. Some service
// type names contain a comma ("… mental health needs, learning disabilities and …"): a piece that
// starts in lower case carries on the one before.
export function splitServiceTypes(value: string | null): string[] {
  if (value === null || value.trim() === '') return []
  if (value.includes('|')) return unique(value.split('|').map((s) => s.trim()))
  const pieces: string[] = []
  for (const piece of value.split(',')) {
    const trimmed = piece.trim()
    const last = pieces.length - 1
    if (last >= 0 && /^[a-z]/.test(trimmed)) pieces[last] = `${pieces[last]}, ${trimmed}`
    else pieces.push(trimmed)
  }
  return unique(pieces)
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))]
}

export type ServiceVerdict =
  | { adultSocialCare: true; serviceType: ServiceType }
  | { adultSocialCare: false; what: string }

export type ServiceEvidence = {
  serviceTypes: string[]
  // The API's careHome flag, when the file has one.
  careHome?: boolean | null
  // Whether CQC's inspection directorate or primary inspection category says adult social care;
  // null when it says nothing useful ("Unspecified", blank).
  adultSocialCareSector?: boolean | null
  // That directorate or category in CQC's words, to say what a skipped service is.
  sectorName?: string | null
}

// The service types decide; the sector only counts when no service type is one we know, and a
// careHome flag makes a care home of a location whose service types somehow do not say so.
export function classifyService(evidence: ServiceEvidence): ServiceVerdict {
  const ours = new Set(evidence.serviceTypes.map(mapCqcServiceType).filter((t) => t !== null))
  if (evidence.careHome === true && !ours.has('care_home_nursing')) ours.add('care_home_residential')
  const best = serviceTypePrecedence.find((t) => ours.has(t))
  if (best) return { adultSocialCare: true, serviceType: best }
  if (evidence.adultSocialCareSector === true) return { adultSocialCare: true, serviceType: 'other' }
  const what =
    evidence.serviceTypes.length > 0
      ? evidence.serviceTypes.join(', ')
      : evidence.sectorName?.trim() || 'no service type given'
  return { adultSocialCare: false, what }
}

// CQC's names for the adult social care side of its work.
const adultSocialCareSectors = new Set([
  'adult social care',
  'residential social care',
  'community based adult social care services',
])

export function isAdultSocialCareSector(value: string | null | undefined): boolean | null {
  if (!value || value.trim() === '' || wordingKey(value) === 'unspecified') return null
  return adultSocialCareSectors.has(wordingKey(value))
}
