import type { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
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

export const safeName = (name: string) => name.replace(/[^a-z0-9-]/gi, '-')

// A table sent as a download, CSV or XLSX, named for what it holds.
export function sendTable<Row>(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  name: string,
  columns: readonly Column<Row>[],
  batches: AsyncIterable<Row[]>,
  sheet: string,
) {
  reply.header('content-disposition', `attachment; filename="${safeName(name)}.${format}"`)
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tableCsv(columns, batches))
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(tableXlsx(columns, batches, sheet))
}
