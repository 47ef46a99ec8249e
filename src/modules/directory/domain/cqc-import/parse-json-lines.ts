import { tooManyRows, type UploadLimits } from '../../../../domain/spreadsheet-reader.ts'
import { fileProblem, rowChecker } from './check-row.ts'
import type { ParsedFile, ParsedRow } from './cqc-location.ts'
import type { CqcField } from './headers.ts'
import { isProvidersFile, type ProviderRow, readProviderRecord, repeatedProvider } from './providers-file.ts'
import type { FieldColumns, FieldTexts, RawRecord } from './raw-record.ts'

// --- JSON lines: CQC API location records (or provider records: providers-file.ts) ------------------------------------------------------

export function parseJsonLines(text: string, limits: UploadLimits): ParsedFile {
  const lines = jsonItems(text, limits.maxRows)
  if (!lines) throw tooManyRows(limits)
  if (lines.length === 0) return fileProblem('cqc-api-jsonl', 'The file is empty.')
  const objects = lines.filter((l): l is JsonItem & { value: Record<string, unknown> } => isObject(l.value))
  if (isProvidersFile(objects.map((l) => l.value))) return providersFile(lines)
  if (objects.length > 0 && !objects.some((l) => 'locationId' in l.value || 'providerId' in l.value)) {
    const keys = [...new Set(objects.flatMap((l) => Object.keys(l.value)))].slice(0, 30)
    return fileProblem(
      null,
      `These are not CQC API location or provider records: none has a locationId or providerId. Fields found: ${keys.join(', ')}.`,
    )
  }
  const records: (RawRecord | ParsedRow)[] = lines.map((line) =>
    isObject(line.value) ? jsonRecord(line.value, line.rowNumber) : lineProblem(line),
  )
  const check = rowChecker()
  return {
    format: 'cqc-api-jsonl',
    rows: records.map(check),
    fileProblems: [],
    locationIdColumn: 'locationId',
  }
}

// The API's provider records: each readable one a provider, the rest problems.
function providersFile(lines: JsonItem[]): ParsedFile {
  const rows: ParsedRow[] = []
  const providers: ProviderRow[] = []
  const firstRowById = new Map<string, number>()
  for (const line of lines) {
    if (!isObject(line.value)) {
      rows.push(lineProblem(line))
      continue
    }
    const read = readProviderRecord(line.value, line.rowNumber)
    if ('outcome' in read) {
      rows.push(read)
      continue
    }
    const first = firstRowById.get(read.provider.cqcProviderId)
    if (first !== undefined) rows.push(repeatedProvider(read, first))
    else {
      firstRowById.set(read.provider.cqcProviderId, read.rowNumber)
      providers.push(read)
    }
  }
  return {
    format: 'cqc-api-providers-jsonl',
    rows,
    providers,
    fileProblems: [],
    locationIdColumn: 'locationId',
  }
}

function lineProblem(line: JsonItem): ParsedRow {
  const reason = line.value === invalidJson ? 'Line is not valid JSON' : 'Line is not a JSON object'
  return {
    rowNumber: line.rowNumber,
    outcome: 'error',
    cqcLocationId: null,
    problems: [{ rowNumber: line.rowNumber, column: null, reason }],
  }
}

const invalidJson = Symbol('invalid JSON')
type JsonItem = { rowNumber: number; value: unknown }

// One object a line; a whole-file JSON array (as some tools save API results) is read item by item.
// More than `maxRows` items: null, and the lines past the limit are not read.
function jsonItems(text: string, maxRows: number): JsonItem[] | null {
  if (text.trimStart().startsWith('[')) {
    try {
      const all: unknown = JSON.parse(text)
      if (Array.isArray(all) && all.length > maxRows) return null
      if (Array.isArray(all)) return all.map((value, i) => ({ rowNumber: i + 1, value }))
    } catch {
      // Not one array after all: read it line by line.
    }
  }
  const items: JsonItem[] = []
  for (let i = 1, start = 0; start <= text.length; i++) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    const line = text.slice(start, text[end - 1] === '\r' && end > start ? end - 1 : end)
    start = end + 1
    if (line.trim() === '') continue
    if (items.length === maxRows) return null
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      value = invalidJson
    }
    items.push({ rowNumber: i, value })
  }
  return items
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Where each field is in an API record, named as the problems list shows it.
const jsonColumns: FieldColumns = {
  locationId: 'locationId',
  name: 'name',
  providerId: 'providerId',
  providerName: 'providerName',
  odsCode: 'odsCode',
  addressLine1: 'postalAddressLine1',
  addressLine2: 'postalAddressLine2',
  town: 'postalAddressTownCity',
  postcode: 'postalCode',
  localAuthority: 'localAuthority',
  inspectionDirectorate: 'inspectionDirectorate',
  primaryInspectionCategory: 'inspectionCategories',
  careHome: 'careHome',
  beds: 'numberOfBeds',
  registrationStart: 'registrationDate',
  registrationEnd: 'deregistrationDate',
  registrationStatus: 'registrationStatus',
  dormant: 'dormancy',
  dormancyStart: 'dormancyStartDate',
  rating: 'currentRatings.overall.rating',
  ratingDate: 'currentRatings.overall.reportDate',
}

function jsonRecord(item: Record<string, unknown>, rowNumber: number): RawRecord {
  const texts: FieldTexts = {}
  const put = (field: CqcField, value: unknown) => {
    texts[field] = scalarText(value)
  }
  put('locationId', item.locationId)
  put('name', item.name)
  put('providerId', item.providerId)
  put('providerName', item.providerName)
  put('odsCode', item.odsCode)
  put('addressLine1', item.postalAddressLine1)
  put('addressLine2', item.postalAddressLine2)
  put('town', item.postalAddressTownCity)
  put('postcode', item.postalCode)
  put('localAuthority', item.localAuthority)
  put('inspectionDirectorate', item.inspectionDirectorate)
  put('primaryInspectionCategory', primaryCategory(item.inspectionCategories))
  put('careHome', item.careHome)
  put('beds', item.numberOfBeds)
  put('registrationStart', item.registrationDate)
  put('registrationEnd', item.deregistrationDate)
  put('registrationStatus', item.registrationStatus)
  put('dormant', item.dormancy)
  put('dormancyStart', item.dormancyStartDate)
  const overall =
    isObject(item.currentRatings) && isObject(item.currentRatings.overall) ? item.currentRatings.overall : {}
  put('rating', overall.rating)
  put('ratingDate', overall.reportDate)
  const serviceTypes = Array.isArray(item.gacServiceTypes)
    ? item.gacServiceTypes
        .map((s) => (isObject(s) ? (scalarText(s.description) ?? scalarText(s.name)) : scalarText(s)))
        .filter((s): s is string => s !== null)
    : []
  return {
    rowNumber,
    texts,
    columns: jsonColumns,
    serviceTypes: [...new Set(serviceTypes)],
    isProvider: item.organisationType === 'Provider' || (!('locationId' in item) && 'locationIds' in item),
  }
}

function primaryCategory(categories: unknown): string | null {
  if (!Array.isArray(categories)) return null
  const primary = categories.find((c) => isObject(c) && String(c.primary) === 'true')
  return isObject(primary) ? scalarText(primary.name) : null
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}
