import type { CqcFileFormat, CqcLocation, ImportProblem, ParsedRow } from './cqc-location.ts'
import type { CqcField } from './headers.ts'

export type FieldValue = string | number | boolean | null

// Whose market a stored location is in, seen from the import's council (issue 15): the importer's own
// (in its area or under contract to it; every location, for an install-wide import), another council's,
// or no council's and outside the import's area. An import changes only the importer's own.
export type Market = 'importer' | 'another-council' | 'outside-area'

export type ExistingLocation = {
  id: string
  cqcLocationId: string
  fields: Record<string, FieldValue>
  // Unset: the importer's (an install-wide import, and the pure tests).
  market?: Market
  // The council whose data the location is, for the audit record of a change to it.
  councilId?: string | null
}

export type ImportPlan = {
  create: { rowNumber: number; location: CqcLocation }[]
  update: {
    rowNumber: number
    locationId: string
    councilId: string | null
    location: CqcLocation
    changes: { field: string; before: unknown; after: unknown }[]
  }[]
  unchanged: { rowNumber: number; locationId: string; cqcLocationId: string }[]
  skip: { rowNumber: number; cqcLocationId: string | null; name: string | null; reason: string }[]
  errors: ImportProblem[]
  close: { locationId: string; councilId: string | null; cqcLocationId: string }[]
}

export type PlanOptions = {
  closeMissing: boolean
  // The location's facts the file carries (factsCarried); the rest are left as they are. Unset: all.
  carried?: readonly LocationFact[]
  // The Location ID column as the file names it, for the problems this plan finds.
  locationIdColumn?: string
}

const marketProblems: Record<Exclude<Market, 'importer'>, (id: string) => string> = {
  'another-council': (id) =>
    `Location ID ${id} belongs to another council's market, so this import cannot change it`,
  'outside-area': (id) =>
    `Location ID ${id} is recorded outside this council's area, so this import cannot change it`,
}

// The location's own facts; provider details belong to the provider and are matched separately.
export const comparedFields = [
  'name',
  'odsCode',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'localAuthorityName',
  'serviceType',
  'registeredBeds',
  'cqcRating',
  'cqcRatingDate',
  'registrationStart',
  'registrationEnd',
  'dormant',
  'status',
] as const satisfies readonly (keyof CqcLocation)[]

export type LocationFact = (typeof comparedFields)[number]

// Which columns carry each of a location's facts. A CQC file without them says nothing of that fact,
// so importing it must leave the fact as it is (issue 17, item 2: the 18-column "care directory" file
// blanked the beds, ratings and dormancy the "with filters" file had set, and the other way round the
// addresses). Name, service type and registration (a listed location is registered) are in every file.
const factColumns: Record<LocationFact, readonly CqcField[] | 'every file'> = {
  name: 'every file',
  serviceType: 'every file',
  status: 'every file',
  odsCode: ['odsCode'],
  addressLine1: ['addressLine1'],
  addressLine2: ['addressLine2'],
  town: ['town'],
  postcode: ['postcode'],
  localAuthorityName: ['localAuthority'],
  registeredBeds: ['beds'],
  cqcRating: ['rating'],
  // A rating's date is read only beside a rating (check-row.ts).
  cqcRatingDate: ['rating', 'ratingDate'],
  registrationStart: ['registrationStart', 'publicationDate'],
  registrationEnd: ['registrationEnd'],
  dormant: ['dormant'],
}

export function factsCarried(columns: Iterable<CqcField>): LocationFact[] {
  const present = new Set(columns)
  return comparedFields.filter((fact) => {
    const needs = factColumns[fact]
    if (needs === 'every file') return true
    // A rating's date needs both columns; the others any one of theirs.
    return fact === 'cqcRatingDate' ? needs.every((c) => present.has(c)) : needs.some((c) => present.has(c))
  })
}

// A location's facts in words, for the preview's "what this format carries".
export const factNames: Record<LocationFact, string> = {
  name: 'name',
  serviceType: 'service type',
  status: 'open or closed',
  odsCode: 'ODS code',
  addressLine1: 'address line 1',
  addressLine2: 'address line 2',
  town: 'town',
  postcode: 'postcode',
  localAuthorityName: 'local authority',
  registeredBeds: 'registered beds',
  cqcRating: 'CQC rating',
  cqcRatingDate: 'date of the rating',
  registrationStart: 'registration date',
  registrationEnd: 'deregistration date',
  dormant: 'dormancy',
}

// What each CQC format carries, from the columns of the CQC's own files of that format.
const formatColumns: Record<CqcFileFormat, readonly CqcField[] | 'every fact'> = {
  'care-directory': [
    'name',
    'addressLine1',
    'addressLine2',
    'town',
    'postcode',
    'localAuthority',
    'ratingDate',
  ],
  'care-directory-with-filters': [
    'name',
    'localAuthority',
    'beds',
    'registrationStart',
    'registrationEnd',
    'dormant',
    'rating',
    'publicationDate',
  ],
  'cqc-api-jsonl': 'every fact',
  // Provider records change no location.
  'cqc-api-providers-jsonl': [],
}

// The facts a format sets, and those an import of it leaves as they are, in words.
export function formatFacts(format: CqcFileFormat): { sets: string[]; leaves: string[] } {
  const columns = formatColumns[format]
  const sets = columns === 'every fact' ? [...comparedFields] : factsCarried(columns)
  return {
    sets: sets.map((f) => factNames[f]),
    leaves: comparedFields.filter((f) => !sets.includes(f)).map((f) => factNames[f]),
  }
}

// The compared fields of a location, as an ExistingLocation holds them.
export function locationFields(location: CqcLocation): Record<string, FieldValue> {
  return Object.fromEntries(comparedFields.map((field) => [field, location[field]]))
}

export function planImport(
  rows: ParsedRow[],
  existing: ExistingLocation[],
  options: PlanOptions,
): ImportPlan {
  const plan: ImportPlan = { create: [], update: [], unchanged: [], skip: [], errors: [], close: [] }
  const byCqcId = new Map<string, ExistingLocation>()
  for (const e of existing) if (!byCqcId.has(e.cqcLocationId)) byCqcId.set(e.cqcLocationId, e)
  // Only a run that closes what the file leaves out needs every ID the file mentions.
  const inFile = options.closeMissing ? new Set<string>() : null
  const planned = new Map<string, number>()
  const carried = options.carried ?? comparedFields
  const notCarried = comparedFields.filter((field) => !carried.includes(field))

  for (const row of rows) {
    if (row.outcome === 'skip') {
      if (row.cqcLocationId) inFile?.add(row.cqcLocationId)
      plan.skip.push({
        rowNumber: row.rowNumber,
        cqcLocationId: row.cqcLocationId,
        name: row.name,
        reason: row.reason,
      })
      continue
    }
    if (row.outcome === 'error') {
      if (row.cqcLocationId) inFile?.add(row.cqcLocationId)
      plan.errors.push(
        ...row.problems.map((p) => ({ ...p, cqcLocationId: p.cqcLocationId ?? row.cqcLocationId })),
      )
      continue
    }
    const { location, rowNumber } = row
    const cqcLocationId = location.cqcLocationId
    inFile?.add(cqcLocationId)
    // parseCqcFile already reports repeats; rows from elsewhere get the same guard.
    const first = planned.get(cqcLocationId)
    if (first !== undefined) {
      plan.errors.push({
        rowNumber,
        column: null,
        reason: `Location ID ${cqcLocationId} appears more than once in this file (first on row ${first})`,
        value: cqcLocationId,
        cqcLocationId,
      })
      continue
    }
    planned.set(cqcLocationId, rowNumber)

    const match = byCqcId.get(cqcLocationId)
    const market = match?.market ?? 'importer'
    if (market !== 'importer') {
      // Nothing of the row is saved: not the location, not its provider.
      plan.errors.push({
        rowNumber,
        column: options.locationIdColumn ?? 'Location ID',
        reason: marketProblems[market](cqcLocationId),
        value: cqcLocationId,
        cqcLocationId,
      })
      continue
    }
    if (!match) {
      // Closed ones too: a deregistered location keeps its history (and its closing date) in CareHub.
      plan.create.push({ rowNumber, location })
      continue
    }
    const changes = carried
      .filter((field) => !sameValue(match.fields[field], location[field]))
      .map((field) => ({ field, before: match.fields[field] ?? null, after: location[field] }))
    const councilId = match.councilId ?? null
    // What the file does not carry is written back as it was.
    const kept = Object.fromEntries(notCarried.map((field) => [field, match.fields[field] ?? null]))
    if (changes.length > 0)
      plan.update.push({
        rowNumber,
        locationId: match.id,
        councilId,
        location: { ...location, ...kept } as CqcLocation,
        changes,
      })
    else plan.unchanged.push({ rowNumber, locationId: match.id, cqcLocationId })
  }

  // An empty or unreadable file must never close the whole market.
  if (inFile && rows.length > 0) {
    for (const e of byCqcId.values()) {
      const own = (e.market ?? 'importer') === 'importer'
      if (own && !inFile.has(e.cqcLocationId) && e.fields.status !== 'closed') {
        plan.close.push({ locationId: e.id, councilId: e.councilId ?? null, cqcLocationId: e.cqcLocationId })
      }
    }
  }
  return plan
}

// Blank and missing are the same; a number stored as text is the same number.
function sameValue(before: FieldValue | undefined, after: FieldValue): boolean {
  const a = before === undefined || before === '' ? null : before
  const b = after === '' ? null : after
  if (a === b) return true
  if (typeof a === 'number' || typeof b === 'number')
    return a !== null && b !== null && Number(a) === Number(b)
  return false
}
