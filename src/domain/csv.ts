import type { Readable } from 'node:stream'
import { type Options, stringify } from 'csv-stringify'
import { stringify as stringifyAll } from 'csv-stringify/sync'

// The one CSV writer of the product: every CSV CareHub offers is written here, so that text a provider,
// partner or officer typed never runs as a formula in the spreadsheet that opens the file (OWASP "CSV
// injection"). A text cell that a spreadsheet would read as a formula gets a leading apostrophe, which
// Excel, LibreOffice and Google Sheets take to mean "text"; numbers stay numbers.

export type CsvCell = string | number | bigint | boolean | Date | null | undefined

// A signed decimal such as -5 or -1.5 is a number to a spreadsheet, not a formula: it stays as it is.
const plainNumber = /^-?\d+(\.\d+)?$/

// The characters OWASP lists (= + - @ tab, carriage return), and their full-width forms, which Apple
// Numbers reads the same way (csv-stringify's own escape_formulas list has them too).
function startsLikeFormula(text: string): boolean {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // carriage return
    case 0xff1d: // ＝
    case 0xff0b: // ＋
    case 0xff0d: // －
    case 0xff20: // ＠
      return true
    case 0x2d: // -
      return !plainNumber.test(text)
    default:
      return false
  }
}

export function formulaSafeText(text: string): string {
  return startsLikeFormula(text) ? `'${text}` : text
}

// How each kind of value reads in a cell. A value typed as a number is written as the number, whatever
// its sign; a number that is not finite (NaN, -Infinity) is text, so made safe like any other.
const cast: NonNullable<Options['cast']> = {
  string: formulaSafeText,
  number: (value) => (Number.isFinite(value) ? String(value) : formulaSafeText(String(value))),
  bigint: (value) => String(value),
  boolean: (value) => (value ? 'Yes' : 'No'),
  date: (value) => (Number.isNaN(value.getTime()) ? '' : value.toISOString()),
  object: (value) => formulaSafeText(JSON.stringify(value)),
}

// A whole (small) file at once: a header row, if any, is simply the first row.
export function csvText(rows: Iterable<readonly CsvCell[]>, options: { bom?: boolean } = {}): string {
  return stringifyAll([...rows] as CsvCell[][], { cast, bom: options.bom ?? false })
}

// A large export, streamed: batches of rows are read only as fast as the file is taken (backpressure),
// so a million rows need the memory of one batch.
export function csvStream<Row>(
  header: readonly string[],
  batches: AsyncIterable<readonly Row[]>,
  cells: (row: Row) => readonly CsvCell[],
): Readable {
  const csv = stringify({ header: true, columns: [...header], cast })
  void (async () => {
    try {
      for await (const batch of batches) {
        for (const row of batch) {
          if (!csv.write(cells(row))) await new Promise((resolve) => csv.once('drain', resolve))
        }
      }
      csv.end()
    } catch (error) {
      csv.destroy(error as Error)
    }
  })()
  return csv
}
