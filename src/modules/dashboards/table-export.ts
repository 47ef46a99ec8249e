import type { Readable } from 'node:stream'
import { csvStream } from '../../domain/csv.ts'
import { type XlsxCell, xlsxStream } from '../../domain/xlsx.ts'

// Streams rows, a batch at a time, to CSV or XLSX with plain-English headers, through the product's one
// writer of each (src/domain/csv.ts, src/domain/xlsx.ts). Both take the same columns, so the two files
// always match.

export type Cell = XlsxCell
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
  return xlsxStream(
    columns.map(([header]) => header),
    batches,
    (row) => columns.map(([, get]) => get(row)),
    sheetName,
  )
}
