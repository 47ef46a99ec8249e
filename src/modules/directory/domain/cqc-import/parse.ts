import { isCareHome } from '../../../../domain/service-types.ts'
import {
  CsvUnreadable,
  csvRows,
  FileRefused,
  tooManyRows,
  type UploadLimits,
  xlsxSheets,
} from '../../../../domain/spreadsheet-reader.ts'
import {
  type CqcFileFormat,
  type CqcLocation,
  type ImportProblem,
  isCqcLocationId,
  normalisePostcode,
  normaliseRating,
  type ParsedFile,
  type ParsedRow,
} from './cqc-location.ts'
import { parseCqcDate } from './dates.ts'
import { cqcImportLimits } from './file-limits.ts'
import { type CqcField, checkHeaders, columnNames, mapHeaders } from './headers.ts'
import { bedsProblem, valueProblems } from './limits.ts'
import { classifyService, isAdultSocialCareSector, splitServiceTypes } from './service-types.ts'

// One row of any CQC file, before it is checked: each known column's text, and the header each came
// from (one object for the whole file, not one a row).
type FieldTexts = Partial<Record<CqcField, string | null>>
type FieldColumns = Partial<Record<CqcField, string>>
type RawRecord = {
  rowNumber: number
  texts: FieldTexts
  columns: FieldColumns
  serviceTypes: string[]
  isProvider: boolean
  // A problem with the row as a whole (a CSV row with the wrong number of fields).
  rowProblem?: string
}

// The file is read within `limits`: a file past one is refused (FileRefused) as soon as it is reached.
// With `onRows`, the rows of a CSV or XLSX are handed over as they are read, a few thousand at a time,
// rather than returned together at the end.
export type RowsSink = (rows: ParsedRow[]) => Promise<unknown>

export async function parseCqcFile(
  input: { fileName: string; content: Buffer },
  limits: UploadLimits = cqcImportLimits,
  onRows?: RowsSink,
): Promise<ParsedFile> {
  const extension = input.fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? ''
  if (extension === 'jsonl' || extension === 'ndjson' || extension === 'json') {
    return parseJsonLines(decodeText(input.content), limits)
  }
  if (extension === 'csv') return parseCsvFile(input.content, limits, onRows)
  if (extension === 'xlsx') return parseXlsxFile(input.content, limits, onRows)
  const reason =
    extension === 'xls'
      ? 'This is the old Excel format (.xls): save it as .xlsx or .csv and try again.'
      : `CareHub reads CQC files saved as .csv, .xlsx or .jsonl, and this file is ${extension ? `.${extension}` : 'of no known type'}.`
  return fileProblem(null, reason)
}

function fileProblem(
  format: CqcFileFormat | null,
  reason: string,
  rowNumber: number | null = null,
): ParsedFile {
  return { format, rows: [], fileProblems: [{ rowNumber, column: null, reason }] }
}

// Spreadsheets saved as "CSV" by older Excel are Windows-1252, not UTF-8.
function decodeText(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '')
  } catch {
    return new TextDecoder('windows-1252').decode(content)
  }
}

// --- JSON lines: CQC API location records ------------------------------------------------------

function parseJsonLines(text: string, limits: UploadLimits): ParsedFile {
  const lines = jsonItems(text, limits.maxRows)
  if (!lines) throw tooManyRows(limits)
  if (lines.length === 0) return fileProblem('cqc-api-jsonl', 'The file is empty.')
  const objects = lines.filter((l): l is JsonItem & { value: Record<string, unknown> } => isObject(l.value))
  if (objects.length > 0 && !objects.some((l) => 'locationId' in l.value || 'providerId' in l.value)) {
    const keys = [...new Set(objects.flatMap((l) => Object.keys(l.value)))].slice(0, 30)
    return fileProblem(
      null,
      `These are not CQC API location records: none has a locationId. Fields found: ${keys.join(', ')}.`,
    )
  }
  const records: (RawRecord | ParsedRow)[] = lines.map((line) => {
    if (line.value === invalidJson) {
      return {
        rowNumber: line.rowNumber,
        outcome: 'error',
        cqcLocationId: null,
        problems: [{ rowNumber: line.rowNumber, column: null, reason: 'Line is not valid JSON' }],
      }
    }
    if (!isObject(line.value)) {
      return {
        rowNumber: line.rowNumber,
        outcome: 'error',
        cqcLocationId: null,
        problems: [{ rowNumber: line.rowNumber, column: null, reason: 'Line is not a JSON object' }],
      }
    }
    return jsonRecord(line.value, line.rowNumber)
  })
  const check = rowChecker()
  return {
    format: 'cqc-api-jsonl',
    rows: records.map(check),
    fileProblems: [],
    locationIdColumn: 'locationId',
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

// --- CSV and Excel: the directory exports -------------------------------------------------------

type Table = { headerRowNumber: number; header: string[]; rows: { rowNumber: number; cells: string[] }[] }

// Read as a stream, a row at a time, straight from the file's bytes: only the checked rows are kept,
// never the whole file as text or as a table of strings.
async function parseCsvFile(content: Buffer, limits: UploadLimits, onRows?: RowsSink): Promise<ParsedFile> {
  let table: TableReader | null = null
  let rows = 0
  try {
    for await (const { rowNumber, cells } of csvRows(content, limits)) {
      if (table) {
        if (cells.some((c) => c.trim() !== '') && ++rows > limits.maxRows) throw tooManyRows(limits)
        table.add(cells, rowNumber)
        await handOver(table, onRows)
        continue
      }
      if (cells.every((c) => c.trim() === '')) continue
      const started = tableReader(cells, rowNumber, true)
      if ('fileProblems' in started) return started
      table = started
    }
  } catch (error) {
    if (!(error instanceof CsvUnreadable)) throw error
    return fileProblem(null, `The file could not be read as CSV: ${error.message}`, error.line)
  }
  if (!table) return fileProblem(null, 'The file is empty.')
  await handOver(table, onRows, true)
  return table.finish()
}

// Worksheets are read a row at a time. The first one is the data, unless a later one is plainly the
// data (CQC workbooks may open with notes): a header with a Location ID and a name in its first 20 rows.
async function parseXlsxFile(content: Buffer, limits: UploadLimits, onRows?: RowsSink): Promise<ParsedFile> {
  // The first sheet's first row with anything in it, to say what it has if no sheet is the data.
  let firstSheetHeader: { rowNumber: number; cells: string[] } | null = null
  let sheets = 0
  try {
    for await (const sheet of xlsxSheets(content, limits)) {
      const isFirst = sheets++ === 0
      let table: TableReader | null = null
      let rows = 0
      for await (const { rowNumber, cells } of sheet.rows) {
        if (table) {
          if (cells.some((c) => c.trim() !== '') && ++rows > limits.maxRows) throw tooManyRows(limits)
          table.add(cells, rowNumber)
          await handOver(table, onRows)
          continue
        }
        const empty = cells.every((c) => c === '')
        if (isFirst && !firstSheetHeader && !empty) firstSheetHeader = { rowNumber, cells }
        if (rowNumber > 20) {
          if (firstSheetHeader || !isFirst) break
          continue
        }
        const columns = mapHeaders(cells)
        if (!columns.has('locationId') || !columns.has('name')) continue
        const started = tableReader(cells, rowNumber, false)
        if ('fileProblems' in started) return started
        table = started
      }
      if (table) {
        await handOver(table, onRows, true)
        return table.finish()
      }
    }
  } catch (error) {
    if (error instanceof FileRefused) throw error
    return fileProblem(null, `The file could not be read as an Excel workbook: ${(error as Error).message}`)
  }
  if (sheets === 0) return fileProblem(null, 'The workbook has no worksheets.')
  const { rowNumber, cells } = firstSheetHeader ?? { rowNumber: 1, cells: [] }
  return parseTable({ headerRowNumber: rowNumber, header: cells, rows: [] }, false)
}

function parseTable(table: Table, checkFieldCount: boolean): ParsedFile {
  const reader = tableReader(table.header, table.headerRowNumber, checkFieldCount)
  if ('fileProblems' in reader) return reader
  for (const row of table.rows) reader.add(row.cells, row.rowNumber)
  return reader.finish()
}

type TableReader = {
  add(cells: string[], rowNumber: number): void
  // The rows checked and not yet taken: how many, and taking them.
  pending(): number
  take(): ParsedRow[]
  finish(): ParsedFile
}

// Hands the rows read so far to `onRows`, when there is one and there are enough of them (or `all`).
async function handOver(table: TableReader, onRows: RowsSink | undefined, all = false) {
  if (onRows && (table.pending() >= 2000 || (all && table.pending() > 0))) await onRows(table.take())
}

// Checks the header row, then each row as it comes.
function tableReader(
  header: string[],
  headerRowNumber: number,
  checkFieldCount: boolean,
): TableReader | ParsedFile {
  const { format, columns, problem } = checkHeaders(header)
  if (problem) return { format, rows: [], fileProblems: [{ ...problem, rowNumber: headerRowNumber }] }
  const width = header.length
  const mapped = [...columns].map(([field, { index }]) => ({ field, index }))
  const names: FieldColumns = Object.fromEntries([...columns].map(([field, { header }]) => [field, header]))
  const check = rowChecker()
  const rows: ParsedRow[] = []
  return {
    add(cells, rowNumber) {
      if (cells.every((c) => c.trim() === '')) return
      const record = tableRecord(cells, rowNumber, mapped, names)
      // A row with a field too many or too few has its columns shifted: nothing in it can be trusted.
      if (checkFieldCount && (cells.length < width || cells.slice(width).some((c) => c.trim() !== ''))) {
        record.rowProblem = `This row has ${cells.length} fields but the header row has ${width}`
      }
      rows.push(check(record))
    },
    pending: () => rows.length,
    take: () => rows.splice(0),
    finish: () => ({ format, rows, fileProblems: [], locationIdColumn: names.locationId }),
  }
}

function tableRecord(
  values: string[],
  rowNumber: number,
  mapped: { field: CqcField; index: number }[],
  columns: FieldColumns,
): RawRecord {
  const texts: FieldTexts = {}
  for (const { field, index } of mapped) {
    const value = values[index]?.trim() ?? ''
    texts[field] = value === '' ? null : value
  }
  const serviceTypes = splitServiceTypes(texts.serviceTypes ?? null)
  // The care directory lists providers too: no location ID, a /provider/ link, and the ownership
  // ("Partnership", "Organisation", …) where the service types would be.
  const isProvider =
    !texts.locationId &&
    (/\/provider\//i.test(texts.url ?? '') ||
      (serviceTypes.length > 0 && serviceTypes.every((s) => ownershipWords.has(s.toLowerCase()))))
  return { rowNumber, texts, columns, serviceTypes, isProvider }
}

const ownershipWords = new Set(['partnership', 'organisation', 'individual', 'nhs body'])

// --- Checking each row --------------------------------------------------------------------------

// Checks rows one at a time, remembering each Location ID's first row so that repeats are reported.
function rowChecker(): (record: RawRecord | ParsedRow) => ParsedRow {
  const firstRowById = new Map<string, number>()
  const shared = sharedTexts()
  return (record) => {
    const row = 'outcome' in record ? record : checkRecord(record, shared)
    if (row.outcome === 'skip' || 'outcome' in record) return row
    const id = row.outcome === 'location' ? row.location.cqcLocationId : row.cqcLocationId
    if (id === null || !isCqcLocationId(id)) return row
    const first = firstRowById.get(id)
    if (first === undefined) {
      firstRowById.set(id, row.rowNumber)
      return row
    }
    const duplicate: ImportProblem = {
      rowNumber: row.rowNumber,
      column: record.columns.locationId ?? columnNames.locationId[0],
      reason: `Location ID ${id} appears more than once in this file (first on row ${first})`,
      value: id,
      cqcLocationId: id,
    }
    const earlier = row.outcome === 'error' ? row.problems : []
    return {
      rowNumber: row.rowNumber,
      outcome: 'error',
      cqcLocationId: id,
      problems: [...earlier, duplicate],
      localAuthorityName:
        row.outcome === 'location' ? row.location.localAuthorityName : row.localAuthorityName,
    }
  }
}

// Many locations share a council, a town, an owner, a provider and their dates: the rows of one file
// share one copy of each such text, and each date is read once. (A national file has about 150
// councils, a few thousand towns and registration dates, one provider to every few locations.)
type SharedTexts = { text(value: string | null): string | null; date(value: string): string | null }

function sharedTexts(): SharedTexts {
  const texts = new Map<string, string>()
  const dates = new Map<string, string | null>()
  return {
    text(value) {
      if (value === null) return null
      const seen = texts.get(value)
      if (seen !== undefined) return seen
      texts.set(value, value)
      return value
    },
    date(value) {
      let parsed = dates.get(value)
      if (parsed === undefined) {
        parsed = parseCqcDate(value)
        dates.set(value, parsed)
      }
      return parsed
    },
  }
}

function checkRecord(record: RawRecord, shared: SharedTexts): ParsedRow {
  const { rowNumber, texts, columns } = record
  const text = (field: CqcField) => texts[field] ?? null
  const columnOf = (field: CqcField) => columns[field] ?? columnNames[field][0]
  const rawId = text('locationId')?.toUpperCase() ?? null
  const name = tidy(text('name'))
  const localAuthorityName = tidy(text('localAuthority'))
  const problems: ImportProblem[] = []
  const problem = (field: CqcField | null, reason: string, value?: string | null) => {
    problems.push({
      rowNumber,
      column: field ? columnOf(field) : null,
      reason,
      ...(value != null ? { value } : {}),
      cqcLocationId: rawId,
    })
  }

  if (record.rowProblem) problem(null, record.rowProblem)
  // A value CareHub cannot store makes the row a problem, whatever else the row is.
  for (const p of valueProblems(texts, columnOf)) problem(p.field, p.reason, p.value)
  if (problems.length > 0) {
    return { rowNumber, outcome: 'error', cqcLocationId: rawId, problems, localAuthorityName }
  }
  if (record.isProvider) {
    return { rowNumber, outcome: 'skip', cqcLocationId: null, name, reason: 'A provider, not a location' }
  }

  const careHome = yesNo(text('careHome'))
  if (careHome === 'invalid') problem('careHome', `${columnOf('careHome')} must be Y or N`, text('careHome'))
  const sector = text('inspectionDirectorate') ?? text('primaryInspectionCategory')
  const adultSocialCareSector =
    isAdultSocialCareSector(text('inspectionDirectorate')) ??
    isAdultSocialCareSector(text('primaryInspectionCategory'))
  const hasCareHomeFlag = careHome === true
  if (record.serviceTypes.length === 0 && !hasCareHomeFlag && adultSocialCareSector === null) {
    problem('serviceTypes', 'Service type is missing, so CareHub cannot tell what kind of service this is')
  }
  const verdict = classifyService({
    serviceTypes: record.serviceTypes,
    careHome: careHome === 'invalid' ? null : careHome,
    adultSocialCareSector,
    sectorName: sector,
  })
  if (!verdict.adultSocialCare && problems.length === 0) {
    return {
      rowNumber,
      outcome: 'skip',
      cqcLocationId: rawId,
      name,
      reason: `Not an adult social care service (${verdict.what})`,
    }
  }

  if (rawId === null) problem('locationId', 'Location ID is missing')
  else if (!isCqcLocationId(rawId)) {
    problem('locationId', 'Location ID must look like 1-123456789 (or an NHS site code such as RX3LD)', rawId)
  }
  if (name === null) problem('name', 'Location name is missing')

  let beds: number | null = null
  const bedsText = text('beds')
  if (bedsText !== null) {
    const bedsWrong = bedsProblem(bedsText, columnOf('beds'))
    if (bedsWrong) problem('beds', bedsWrong, bedsText)
    else beds = Number(bedsText)
  }

  const date = (field: CqcField): string | null => {
    const value = text(field)
    if (value === null) return null
    const parsed = shared.date(value)
    if (parsed === null) {
      problem(
        field,
        `${columnOf(field)} is not a date CareHub recognises (use dd/mm/yyyy or yyyy-mm-dd)`,
        value,
      )
    }
    return parsed
  }
  const registrationStart = date('registrationStart')
  const registrationEnd = date('registrationEnd')
  const publicationDate = date('publicationDate')
  const ratingDate = date('ratingDate')

  const dormant = yesNo(text('dormant'))
  if (dormant === 'invalid') problem('dormant', `${columnOf('dormant')} must be Y or N`, text('dormant'))

  const status = text('registrationStatus')?.toLowerCase() ?? null
  if (status !== null && status !== 'registered' && status !== 'deregistered') {
    problem(
      'registrationStatus',
      `${columnOf('registrationStatus')} must be Registered or Deregistered`,
      status,
    )
  }

  if (problems.length > 0 || !verdict.adultSocialCare || rawId === null || name === null) {
    return { rowNumber, outcome: 'error', cqcLocationId: rawId, problems, localAuthorityName }
  }

  const cqcRating = normaliseRating(text('rating'))
  const location: CqcLocation = {
    cqcLocationId: rawId,
    cqcProviderId: shared.text(tidy(text('providerId'))?.toUpperCase() ?? null),
    providerName: shared.text(tidy(text('providerName'))),
    providerCompaniesHouseNumber: shared.text(companiesHouseNumber(text('providerCompaniesHouseNumber'))),
    providerOwnership: shared.text(tidy(text('providerOwnership'))),
    name,
    odsCode: tidy(text('odsCode'))?.toUpperCase() ?? null,
    addressLine1: tidy(text('addressLine1')),
    addressLine2: tidy(text('addressLine2')),
    town: shared.text(tidy(text('town'))),
    postcode: normalisePostcode(text('postcode')),
    localAuthorityName: shared.text(localAuthorityName),
    serviceType: verdict.serviceType,
    registeredBeds: isCareHome(verdict.serviceType) ? beds : null,
    cqcRating,
    // A date with no rating is not a rating's date.
    cqcRatingDate: cqcRating ? ratingDate : null,
    // "With filters" repeats the registration date as Publication Date: use it only if the other is blank.
    registrationStart: registrationStart ?? publicationDate,
    registrationEnd,
    dormant: dormant === true,
    status: registrationEnd !== null || status === 'deregistered' ? 'closed' : 'open',
  }
  return { rowNumber, outcome: 'location', location }
}

function tidy(value: string | null): string | null {
  if (value === null) return null
  const tidied = value.replace(/\s+/g, ' ').trim()
  return tidied === '' ? null : tidied
}

function yesNo(value: string | null): boolean | null | 'invalid' {
  if (value === null) return null
  const v = value.trim().toLowerCase()
  if (v === 'y' || v === 'yes' || v === 'true') return true
  if (v === 'n' || v === 'no' || v === 'false') return false
  return 'invalid'
}

// Companies House numbers are 8 characters; spreadsheets drop the leading zero of numeric ones.
function companiesHouseNumber(value: string | null): string | null {
  const tidied = tidy(value)?.replace(/\s/g, '').toUpperCase() ?? null
  if (tidied === null) return null
  return /^\d{1,7}$/.test(tidied) ? tidied.padStart(8, '0') : tidied
}
