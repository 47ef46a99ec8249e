import {
  CsvUnreadable,
  csvRows,
  FileRefused,
  tooManyRows,
  type UploadLimits,
  xlsxSheets,
} from '../../../../domain/spreadsheet-reader.ts'
import { fileProblem, rowChecker } from './check-row.ts'
import type { ParsedFile, ParsedRow } from './cqc-location.ts'
import { cqcImportLimits } from './file-limits.ts'
import { type CqcField, checkHeaders, mapHeaders } from './headers.ts'
import { parseJsonLines } from './parse-json-lines.ts'
import type { FieldColumns, FieldTexts, RawRecord } from './raw-record.ts'
import { splitServiceTypes } from './service-types.ts'

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

// Spreadsheets saved as "CSV" by older Excel are Windows-1252, not UTF-8.
function decodeText(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '')
  } catch {
    return new TextDecoder('windows-1252').decode(content)
  }
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
    finish: () => ({
      format,
      rows,
      fileProblems: [],
      locationIdColumn: names.locationId,
      columns: [...columns.keys()],
    }),
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

// A provider's row in the 18-column directory lists its kind of ownership where a location's lists its
// services.
const ownershipWords = new Set(['partnership', 'organisation', 'individual', 'nhs body'])
