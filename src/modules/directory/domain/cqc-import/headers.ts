import type { CqcFileFormat, ImportProblem } from './cqc-location.ts'

// What each CQC export calls a column, by our name for it. The first name is the one we show people.
// "With filters" names, then "care directory" names, then the API's (as in its flattened CSV).
export const columnNames = {
  locationId: ['Location ID', 'CQC Location ID (for office use only)', 'CQC Location ID', 'locationId'],
  name: ['Location Name', 'Name'],
  providerId: ['Provider ID', 'CQC Provider ID (for office use only)', 'CQC Provider ID', 'providerId'],
  providerName: ['Provider Name'],
  providerOwnership: ['Provider Ownership Type', 'Ownership type', 'ownershipType'],
  providerCompaniesHouseNumber: [
    'Provider Companies House Number',
    'Companies House number',
    'companiesHouseNumber',
  ],
  odsCode: ['ODS code', 'Location ODS code', 'odsCode'],
  addressLine1: ['Address 1', 'Address line 1', 'Location Street Address', 'postalAddressLine1'],
  addressLine2: ['Address 2', 'Address line 2', 'Location Address Line 2', 'postalAddressLine2'],
  town: ['Town/City', 'Town', 'Location City', 'postalAddressTownCity'],
  postcode: ['Postcode', 'Post code', 'Location Postal Code', 'postalCode'],
  localAuthority: ['Location Local Authority', 'Local authority', 'localAuthority'],
  serviceTypes: ['Service Types', 'Service type', 'gacServiceTypes'],
  primaryInspectionCategory: ['Primary inspection category', 'primaryInspectionCategory'],
  inspectionDirectorate: ['Inspection directorate', 'inspectionDirectorate'],
  careHome: ['Care home', 'careHome'],
  beds: ['Care homes beds', 'Care home beds', 'Number of beds', 'Beds', 'numberOfBeds'],
  registrationStart: ['Location HSCA start date', 'HSCA start date', 'Registration date', 'registrationDate'],
  registrationEnd: ['Location HSCA end date', 'HSCA end date', 'Deregistration date', 'deregistrationDate'],
  registrationStatus: ['Registration status', 'registrationStatus'],
  dormant: ['Dormant', 'dormancy'],
  dormancyStart: ['Dormancy start date', 'dormancyStartDate'],
  rating: ['Location Latest Overall Rating', 'Latest overall rating', 'Overall rating', 'overallRating'],
  ratingDate: ['Report publication date', 'overallRatingReportDate'],
  // In "with filters" this is the registration date again (US-style), not the rating's date.
  publicationDate: ['Publication Date'],
  url: ['URL'],
} as const satisfies Record<string, readonly string[]>

export type CqcField = keyof typeof columnNames

export const requiredFields: CqcField[] = ['locationId', 'name', 'serviceTypes']

// Case, spacing, punctuation and a byte-order mark never matter: "LocationID", " location  id " and
// "locationId" are all the same column.
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

const fieldByKey = new Map<string, CqcField>()
for (const [field, names] of Object.entries(columnNames) as [CqcField, readonly string[]][]) {
  for (const name of names) fieldByKey.set(headerKey(name), field)
}

export type MappedColumn = { index: number; header: string }
export type HeaderMap = Map<CqcField, MappedColumn>

export function mapHeaders(headers: string[]): HeaderMap {
  const map: HeaderMap = new Map()
  headers.forEach((raw, index) => {
    const header = raw
      .replace(/^\uFEFF/, '')
      .replace(/\s+/g, ' ')
      .trim()
    const field = fieldByKey.get(headerKey(header))
    // The first of two columns with the same meaning wins, as a person reading left to right would take it.
    if (field && !map.has(field)) map.set(field, { index, header })
  })
  return map
}

export function detectFormat(fields: ReadonlySet<CqcField>): CqcFileFormat | null {
  if (!requiredFields.every((f) => fields.has(f))) return null
  // API-shaped records (the JSON, or the same flattened into a spreadsheet) carry a registration status.
  if (fields.has('registrationStatus') || fields.has('careHome')) return 'cqc-api-jsonl'
  if (fields.has('beds') || fields.has('primaryInspectionCategory') || fields.has('dormant')) {
    return 'care-directory-with-filters'
  }
  return 'care-directory'
}

export type HeaderCheck = { format: CqcFileFormat | null; columns: HeaderMap; problem: ImportProblem | null }

export function checkHeaders(headers: string[]): HeaderCheck {
  const columns = mapHeaders(headers)
  const format = detectFormat(new Set(columns.keys()))
  const missing = requiredFields.filter((f) => !columns.has(f))
  if (missing.length === 0) return { format, columns, problem: null }
  const found = headers.map((h) => h.replace(/^\uFEFF/, '').trim()).filter((h) => h !== '')
  const missingNames = missing.map((f) => columnNames[f][0])
  return {
    format: null,
    columns,
    problem: {
      rowNumber: 1,
      column: null,
      reason:
        `This does not look like a CQC directory file: it has no ${listInWords(missingNames)} column. ` +
        `Columns found: ${found.length > 0 ? found.join(', ') : 'none'}.`,
      value: missingNames.join(', '),
    },
  }
}

function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}
