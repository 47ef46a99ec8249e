import { PassThrough, type Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { csvStream } from '../../domain/csv.ts'

// Streams rows, a batch at a time, to CSV or XLSX with plain-English headers. Backpressure is respected
// (the next batch is read only when the file has taken the last), so an export of a million rows runs
// in bounded memory. Both writers take the same columns, so the two files always match.

export type Cell = string | number | boolean | Date | null | undefined
export type Column<Row> = [header: string, get: (row: Row) => Cell]

export function tableCsv<Row>(columns: readonly Column<Row>[], batches: AsyncIterable<Row[]>): Readable {
  return csvStream(
    columns.map(([header]) => header),
    batches,
    (row) => columns.map(([, get]) => get(row)),
  )
}

export function tableXlsx<Row>(
  columns: readonly Column<Row>[],
  batches: AsyncIterable<Row[]>,
  sheetName: string,
): Readable {
  const out = new PassThrough()
  void (async () => {
    try {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: out,
        useSharedStrings: false,
        useStyles: true,
      })
      const sheet = workbook.addWorksheet(sheetName)
      sheet.columns = columns.map(([header]) => ({ header, width: Math.max(12, header.length + 2) }))
      sheet.getRow(1).font = { bold: true }
      sheet.getRow(1).commit()
      for await (const batch of batches) {
        for (const row of batch) {
          sheet
            .addRow(
              columns.map(([, get]) => {
                const v = get(row)
                return typeof v === 'boolean' ? (v ? 'Yes' : 'No') : (v ?? null)
              }),
            )
            .commit()
        }
        // Let the file stream drain before reading the next batch.
        if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve))
      }
      sheet.commit()
      await workbook.commit()
    } catch (error) {
      out.destroy(error as Error)
    }
  })()
  return out
}
