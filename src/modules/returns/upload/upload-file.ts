import {
  CsvUnreadable,
  csvRows,
  FileRefused,
  type SheetRow,
  tooManyRows,
  type UploadLimits,
  xlsxSheets,
} from '../../../domain/spreadsheet-reader.ts'

// Reads an uploaded CSV or XLSX into a header and rows of text cells, each row numbered as a
// spreadsheet shows it (the header is row 1 when it is the first line). Rows with nothing in them are
// left out. The file is read a row at a time and refused as soon as it passes a limit.

export type UploadTable = {
  headerRowNumber: number
  header: string[]
  rows: { rowNumber: number; cells: string[] }[]
}

export type ReadResult = { ok: true; table: UploadTable } | { ok: false; message: string }

// What a returns upload may be: the page states the size and the rows. A cell holds at most what an
// Excel cell holds.
export const returnsUploadLimits: UploadLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 5000,
  maxColumns: 100,
  maxCellCharacters: 32_767,
  maxUnzippedBytes: 100 * 1024 * 1024,
}

export async function readUpload(
  fileName: string,
  content: Buffer,
  limits: UploadLimits = returnsUploadLimits,
): Promise<ReadResult> {
  const isZip = content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  try {
    if (/\.xlsx$/i.test(fileName) || isZip) return await readXlsx(content, limits)
    if (/\.(csv|txt)$/i.test(fileName))
      return await readTable(csvRows(content, limits), limits, 'The file is empty')
    return { ok: false, message: 'The file must be a CSV or an Excel workbook (.xlsx)' }
  } catch (error) {
    if (error instanceof FileRefused) return { ok: false, message: error.message }
    if (error instanceof CsvUnreadable)
      return { ok: false, message: `The file could not be read as CSV: ${error.message}` }
    return {
      ok: false,
      message: `The file could not be read as an Excel workbook: ${(error as Error).message}`,
    }
  }
}

async function readTable(
  rows: AsyncIterable<SheetRow>,
  limits: UploadLimits,
  empty: string,
): Promise<ReadResult> {
  let table: UploadTable | null = null
  for await (const { rowNumber, cells } of rows) {
    if (cells.every((c) => c.trim() === '')) continue
    if (!table) table = { headerRowNumber: rowNumber, header: cells, rows: [] }
    else if (table.rows.push({ rowNumber, cells }) > limits.maxRows) throw tooManyRows(limits)
  }
  return table ? { ok: true, table } : { ok: false, message: empty }
}

// The first sheet has the returns; the template's second sheet is guidance.
async function readXlsx(content: Buffer, limits: UploadLimits): Promise<ReadResult> {
  let sheets = 0
  for await (const sheet of xlsxSheets(content, limits, 'text')) {
    sheets++
    if (sheet.position !== null && sheet.position > 0) continue
    return readTable(sheet.rows, limits, 'The first worksheet is empty')
  }
  return { ok: false, message: sheets ? 'The first worksheet is empty' : 'The workbook has no worksheets' }
}
