import { parse as parseCsv } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { rowTexts } from '../../../domain/spreadsheet-cells.ts'

// Reads an uploaded CSV or XLSX into a header and rows of text cells, each row numbered as a
// spreadsheet shows it (the header is row 1 when it is the first line).

export type UploadTable = {
  headerRowNumber: number
  header: string[]
  rows: { rowNumber: number; cells: string[] }[]
}

export type ReadResult = { ok: true; table: UploadTable } | { ok: false; message: string }

export async function readUpload(fileName: string, content: Buffer): Promise<ReadResult> {
  const isZip = content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  if (/\.xlsx$/i.test(fileName) || isZip) return readXlsx(content)
  if (/\.(csv|txt)$/i.test(fileName)) return readCsv(content)
  return { ok: false, message: 'The file must be a CSV or an Excel workbook (.xlsx)' }
}

// Excel on Windows saves "CSV (Comma delimited)" in Windows-1252, not UTF-8.
function decode(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content)
  } catch {
    return new TextDecoder('windows-1252').decode(content)
  }
}

function readCsv(content: Buffer): ReadResult {
  let records: string[][]
  try {
    // Empty lines are kept so that row numbers stay those a spreadsheet shows; they are dropped later.
    records = parseCsv(decode(content), {
      bom: true,
      trim: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][]
  } catch (error) {
    return { ok: false, message: `The file could not be read as CSV: ${(error as Error).message}` }
  }
  const headerIndex = records.findIndex((r) => r.some((c) => c !== ''))
  if (headerIndex === -1) return { ok: false, message: 'The file is empty' }
  return {
    ok: true,
    table: {
      headerRowNumber: headerIndex + 1,
      header: records[headerIndex]!,
      rows: records.slice(headerIndex + 1).map((cells, i) => ({ rowNumber: headerIndex + i + 2, cells })),
    },
  }
}

async function readXlsx(content: Buffer): Promise<ReadResult> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0])
  } catch (error) {
    return {
      ok: false,
      message: `The file could not be read as an Excel workbook: ${(error as Error).message}`,
    }
  }
  // The first sheet has the returns; the template's second sheet is guidance.
  const sheet = workbook.worksheets[0]
  if (!sheet) return { ok: false, message: 'The workbook has no worksheets' }
  let headerRowNumber = 1
  while (
    headerRowNumber <= sheet.rowCount &&
    rowTexts(sheet.getRow(headerRowNumber), 0, 'text').every((c) => c === '')
  )
    headerRowNumber++
  if (headerRowNumber > sheet.rowCount) return { ok: false, message: 'The first worksheet is empty' }
  const header = rowTexts(sheet.getRow(headerRowNumber), 0, 'text')
  const rows: UploadTable['rows'] = []
  for (let r = headerRowNumber + 1; r <= sheet.rowCount; r++) {
    rows.push({ rowNumber: r, cells: rowTexts(sheet.getRow(r), 0, 'text') })
  }
  return { ok: true, table: { headerRowNumber, header, rows } }
}

// "A", "B", … "Z", "AA": the column letters a spreadsheet shows.
export function columnLetter(index: number): string {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    const r = (n - 1) % 26
    letters = String.fromCharCode(65 + r) + letters
    n = Math.floor((n - 1) / 26)
  }
  return letters
}
