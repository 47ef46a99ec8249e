// The three shapes of extract the national capacity tracker gives councils, told apart by their columns
// (the tracker's own, lower-cased names: ../shared/data/capacity_tracker_fields.csv): the care home
// extract, the non-residential (home care) extract, and the combined one that has both kinds of location
// in one file, each row filling its own kind's columns. Pure: no I/O.

export type TrackerShape = 'care-homes' | 'home-care' | 'combined'

export const trackerShapeNames: Record<TrackerShape, string> = {
  'care-homes': 'Care homes extract',
  'home-care': 'Home care (non-residential) extract',
  combined: 'Combined extract (care homes and home care)',
}

// Columns only the care home extract has, and only the home care extract has.
const careHomeColumns = [
  'maxcapacity',
  'usedbeds',
  'isacceptingadmissions',
  'lastupdatedbst',
  'careworkersemployed',
  'nursesemployed',
]
const homeCareColumns = [
  'serviceusercount',
  'cqcsurveylastupdatedbst',
  'cqccareworkersemployed',
  'canprovidermorehours',
  'hourspaiddomcare',
]

export const trackerHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '')

// The shape of an extract by its header row, or why it is not one.
export function trackerShape(header: readonly string[]): { shape: TrackerShape } | { problem: string } {
  const columns = new Set(header.map(trackerHeader))
  if (!columns.has('cqcid'))
    return {
      problem:
        'The file has no cqcid column, so it is not a capacity tracker extract. Upload the extract as the tracker gave it',
    }
  const careHomes = careHomeColumns.some((c) => columns.has(c))
  const homeCare = homeCareColumns.some((c) => columns.has(c))
  if (careHomes && homeCare) return { shape: 'combined' }
  if (careHomes) return { shape: 'care-homes' }
  if (homeCare) return { shape: 'home-care' }
  return {
    problem: `The file has none of the capacity tracker’s figure columns (such as ${[...careHomeColumns.slice(0, 2), homeCareColumns[0]].join(', ')})`,
  }
}

// What became of each row of an upload, for the preview and the import's page.
export type TrackerRowOutcome =
  // Its figures are (or would be) saved as the location's return.
  | 'matched'
  // The location's return already holds these figures from an earlier extract: nothing to change.
  | 'unchanged'
  // No location in CareHub has its CQC location ID.
  | 'unmatched'
  // The location is in another council's market: reported, never saved.
  | 'other-council'
  // A cell could not be read, or the figures break the dataset's rules.
  | 'invalid'
  // The provider has reported that period itself: its figures are kept.
  | 'already-reported'
  // The row gives only the tracker's own status, no figures.
  | 'status-only'

export type TrackerUploadRow = {
  rowNumber: number
  cqcLocationId: string | null
  outcome: TrackerRowOutcome
  locationName?: string
  periodStart?: string
  // The return's fields the row fills (matched and unchanged rows).
  fields?: string[]
  problems?: { column: string; reason: string }[]
}

export type TrackerUploadCounts = { rows: number } & Record<TrackerRowOutcome, number>

export function countOutcomes(rows: readonly TrackerUploadRow[]): TrackerUploadCounts {
  const counts: TrackerUploadCounts = {
    rows: rows.length,
    matched: 0,
    unchanged: 0,
    unmatched: 0,
    'other-council': 0,
    invalid: 0,
    'already-reported': 0,
    'status-only': 0,
  }
  for (const row of rows) counts[row.outcome]++
  return counts
}

// Whether the figures a row gives are those the location's return holds already (so importing them again
// would change nothing). Fields the row does not fill are not compared.
export function sameFigures(
  given: Record<string, unknown>,
  held: Record<string, unknown> | null | undefined,
): boolean {
  if (!held) return false
  return Object.entries(given).every(([key, value]) => (held[key] ?? null) === (value ?? null))
}
