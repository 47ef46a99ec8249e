import {
  CsvUnreadable,
  csvRows,
  FileRefused,
  type SheetRow,
  tooManyRows,
  type UploadLimits,
  xlsxSheets,
} from '../../domain/spreadsheet-reader.ts'

// An uploaded CSV or XLSX (its first worksheet) as a header and rows of text, each row numbered as a
// spreadsheet shows it; empty rows are left out. Read a row at a time within limits (the shared reader).

export const paymentUploadLimits: UploadLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 50_000,
  maxColumns: 40,
  maxCellCharacters: 1000,
  maxUnzippedBytes: 100 * 1024 * 1024,
}

export type SheetTable = { headerRowNumber: number; header: string[]; rows: SheetRow[] }

export async function readSheet(
  fileName: string,
  content: Buffer,
  limits: UploadLimits = paymentUploadLimits,
): Promise<{ ok: true; table: SheetTable } | { ok: false; message: string }> {
  try {
    if (/\.xlsx$/i.test(fileName)) {
      for await (const sheet of xlsxSheets(content, limits, 'text')) {
        if (sheet.position !== null && sheet.position > 0) continue
        return table(sheet.rows, limits, 'The first worksheet is empty')
      }
      return { ok: false, message: 'The workbook has no worksheets' }
    }
    if (/\.csv$/i.test(fileName)) return await table(csvRows(content, limits), limits, 'The file is empty')
    return { ok: false, message: 'The file must be a CSV or an Excel workbook (.xlsx)' }
  } catch (error) {
    if (error instanceof FileRefused) return { ok: false, message: error.message }
    if (error instanceof CsvUnreadable)
      return { ok: false, message: `The file could not be read as CSV: ${error.message}` }
    return { ok: false, message: 'The file could not be read as an Excel workbook (.xlsx)' }
  }
}

async function table(rows: AsyncIterable<SheetRow>, limits: UploadLimits, empty: string) {
  let found: SheetTable | null = null
  for await (const row of rows) {
    if (row.cells.every((c) => c.trim() === '')) continue
    if (!found) found = { headerRowNumber: row.rowNumber, header: row.cells, rows: [] }
    else if (found.rows.push(row) > limits.maxRows) throw tooManyRows(limits)
  }
  return found ? { ok: true as const, table: found } : { ok: false as const, message: empty }
}
