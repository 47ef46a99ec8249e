import { PassThrough, type Readable } from 'node:stream'

// The one streaming XLSX writer of the product, beside the one CSV writer (csv.ts): a header row in
// bold, then rows a batch at a time. The next batch is read only when the file has taken the last
// (backpressure), so an export of a million rows runs in the memory of one batch. Text is written as
// text (exceljs writes a formula only when given { formula }), so no cell a person typed can run.

export type XlsxCell = string | number | boolean | Date | null | undefined

export function xlsxStream<Row>(
  header: readonly string[],
  batches: AsyncIterable<readonly Row[]>,
  cells: (row: Row) => readonly XlsxCell[],
  sheetName: string,
): Readable {
  const out = new PassThrough()
  void (async () => {
    try {
      // Loaded when a file is asked for: a third of a second of every start otherwise.
      const { default: ExcelJS } = await import('exceljs')
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: out,
        useSharedStrings: false,
        useStyles: true,
      })
      const sheet = workbook.addWorksheet(sheetName)
      sheet.columns = header.map((title) => ({ header: title, width: Math.max(12, title.length + 2) }))
      sheet.getRow(1).font = { bold: true }
      sheet.getRow(1).commit()
      for await (const batch of batches) {
        for (const row of batch) sheet.addRow(cells(row).map(cellValue)).commit()
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

// Yes and No as the CSV writes them; nothing as an empty cell.
const cellValue = (value: XlsxCell) => (typeof value === 'boolean' ? (value ? 'Yes' : 'No') : (value ?? null))
