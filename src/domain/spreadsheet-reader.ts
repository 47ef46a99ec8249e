import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import { parse as csvParser } from 'csv-parse'
import { type ErrorCells, rowTexts } from './spreadsheet-cells.ts'

// Reads an uploaded CSV or Excel file a row at a time, straight from its bytes, within limits: no file
// is turned into one big string or a whole workbook in memory, and a file past a limit is refused as
// soon as the limit is reached. Shared by every upload (returns, CQC files).

export type UploadLimits = {
  // The file as uploaded.
  maxBytes: number
  // Rows with something in them, below the header row.
  maxRows: number
  maxColumns: number
  maxCellCharacters: number
  // An Excel file is a zip: what its parts come to once unzipped (a small file can unzip to gigabytes).
  maxUnzippedBytes: number
}

// A file refused for what it is, with a message for the person who uploaded it.
export class FileRefused extends Error {}

export type SheetRow = { rowNumber: number; cells: string[] }

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en-GB')} MB`
export const count = (n: number) => n.toLocaleString('en-GB')

// "up to 10 MB and 5,000 rows": the limits as the upload pages state them.
export function limitsInWords(limits: UploadLimits): string {
  return `up to ${mb(limits.maxBytes)} and ${count(limits.maxRows)} rows`
}

export function tooManyRows(limits: UploadLimits): FileRefused {
  return new FileRefused(
    `The file has more than ${count(limits.maxRows)} rows. Upload at most ${count(limits.maxRows)} rows at once`,
  )
}

// Each row's cells, checked against the column and cell limits. Cells past the last one with anything
// in it do not count as columns (spreadsheets often save a few empty ones).
function checkedCells(cells: string[], rowNumber: number, limits: UploadLimits): string[] {
  let width = cells.length
  while (width > 0 && cells[width - 1] === '') width--
  if (width > limits.maxColumns)
    throw new FileRefused(
      `Row ${count(rowNumber)} has ${count(width)} columns. A file can have at most ${count(limits.maxColumns)}`,
    )
  for (let i = 0; i < width; i++) {
    if (cells[i]!.length > limits.maxCellCharacters)
      throw new FileRefused(
        `Row ${count(rowNumber)}, column ${columnLetter(i)} has more than ${count(limits.maxCellCharacters)} characters`,
      )
  }
  return cells
}

// --- CSV ------------------------------------------------------------------------------------------

// Every line of the file, empty ones too, so that row numbers stay those a spreadsheet shows.
export async function* csvRows(content: Buffer, limits: UploadLimits): AsyncGenerator<SheetRow> {
  const parser = csvParser({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    skip_empty_lines: false,
    // A stray quote makes the rest of the file one cell: stop at what a row can hold instead.
    max_record_size: limits.maxColumns * limits.maxCellCharacters,
  })
  Readable.from(pieces(decodeCsv(content))).pipe(parser)
  let rowNumber = 0
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      rowNumber++
      yield { rowNumber, cells: checkedCells(cells, rowNumber, limits) }
    }
  } catch (error) {
    if (error instanceof FileRefused) throw error
    const code = (error as { code?: string }).code
    if (code === 'CSV_MAX_RECORD_SIZE')
      throw new FileRefused(
        `Row ${count(rowNumber + 1)} is too long to be a row of a spreadsheet: check for a quote (") with no closing quote`,
      )
    throw new CsvUnreadable((error as Error).message, (error as { lines?: number }).lines ?? null)
  } finally {
    parser.destroy()
  }
}

export class CsvUnreadable extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message)
  }
}

// UTF-8 as it is; spreadsheets saved as "CSV" by older Excel are Windows-1252, decoded to text.
function decodeCsv(content: Buffer): Buffer | string {
  return isUtf8(content) ? content : new TextDecoder('windows-1252').decode(content)
}

// The parser takes the file in pieces of 64 KB (views of the same bytes, not copies). Every 1 MB it
// lets other work in the thread run, for a caller on the main thread: the parse itself never waits for
// anything, so otherwise it would hold the thread for the whole file.
async function* pieces(input: Buffer | string): AsyncGenerator<Buffer | string> {
  const size = 1 << 16
  for (let i = 0; i < input.length; i += size) {
    if (i > 0 && i % (size * 16) === 0) await new Promise((resolve) => setImmediate(resolve))
    yield typeof input === 'string' ? input.slice(i, i + size) : input.subarray(i, i + size)
  }
}

// --- Excel ----------------------------------------------------------------------------------------

export type Sheet = {
  name: string
  // Where the sheet is among the workbook's tabs (0 is the first), when the workbook says.
  position: number | null
  rows: AsyncIterable<SheetRow>
}

// The worksheets, each read a row at a time; a sheet's rows must be read (or left) before the next
// sheet comes.
export async function* xlsxSheets(
  content: Buffer,
  limits: UploadLimits,
  errorCells: ErrorCells = 'blank',
): AsyncGenerator<Sheet> {
  const parts = await checkUnzippedSize(content, limits)
  // Loaded only when needed: it is large, and most uploads are CSV.
  const { default: ExcelJS } = await import('exceljs')
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(inReadingOrder(content, parts)), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Number formats say which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  const model = reader as unknown as { model?: { sheets?: { id: number }[] } }
  for await (const worksheet of reader) {
    const sheet = worksheet as unknown as { id: number; name: string }
    const index = model.model?.sheets?.findIndex((s) => s.id === sheet.id) ?? -1
    yield {
      name: sheet.name,
      position: index >= 0 ? index : null,
      rows: sheetRows(worksheet, limits, errorCells),
    }
  }
}

async function* sheetRows(
  worksheet: AsyncIterable<unknown>,
  limits: UploadLimits,
  errorCells: ErrorCells,
): AsyncGenerator<SheetRow> {
  let last = 0
  for await (const row of worksheet as AsyncIterable<Parameters<typeof rowTexts>[0] & { number: number }>) {
    // A row without its number (some writers leave it out) follows the one before.
    const rowNumber = Number.isFinite(row.number) && row.number > last ? row.number : last + 1
    last = rowNumber
    yield { rowNumber, cells: checkedCells(rowTexts(row, 0, errorCells), rowNumber, limits) }
  }
}

// One part of a zip file: its header, data and any sizes after the data, from `start` to `end`.
type ZipPart = { name: string; start: number; end: number }
export type ZipParts = { parts: ZipPart[]; directory: number }

// Unzips every part of the file without keeping any of it, counting the bytes, and refuses the file
// once they pass the limit. The parts are walked as the Excel reader walks them (from the start of the
// file, by each part's own header), so that the reader never unzips more than was counted here.
export async function checkUnzippedSize(content: Buffer, limits: UploadLimits): Promise<ZipParts> {
  const unreadable = () => new FileRefused('The file could not be read as an Excel workbook (.xlsx)')
  const tooBig = () =>
    new FileRefused(
      `The workbook is too large to read: unzipped, it comes to more than ${mb(limits.maxUnzippedBytes)}. ` +
        `Upload at most ${count(limits.maxRows)} rows, with nothing else in the workbook`,
    )
  const parts: ZipPart[] = []
  // A workbook has parts: without any (a file of a few bytes, an empty zip) the Excel reader waits for
  // ever, and the request with it.
  const found = (directory: number) => {
    if (parts.length === 0) throw unreadable()
    return { parts, directory }
  }
  let at = 0
  let total = 0
  while (at + 4 <= content.length) {
    const signature = content.readUInt32LE(at)
    // The central directory: the parts are over.
    if (signature === 0x02014b50 || signature === 0x06054b50) return found(at)
    if (signature !== 0x04034b50 || at + 30 > content.length) throw unreadable()
    const flags = content.readUInt16LE(at + 6)
    const method = content.readUInt16LE(at + 8)
    const compressedSize = content.readUInt32LE(at + 18)
    const nameLength = content.readUInt16LE(at + 26)
    const start = at + 30 + nameLength + content.readUInt16LE(at + 28)
    // Sizes past 4 GB (ZIP64) are not for a spreadsheet upload.
    if (compressedSize === 0xffffffff) throw tooBig()
    let end: number
    let next: number
    if (flags & 0x08 && compressedSize === 0) {
      // The size follows the data, after a marker the reader looks for.
      end = content.indexOf(dataDescriptor, start)
      if (end < 0) throw unreadable()
      next = end + 16
    } else {
      end = start + compressedSize
      next = end
    }
    if (end > content.length || next > content.length) throw unreadable()
    const budget = limits.maxUnzippedBytes - total
    total += method === 0 ? end - start : await inflatedSize(content.subarray(start, end), budget)
    if (total > limits.maxUnzippedBytes) throw tooBig()
    parts.push({ name: content.toString('utf8', at + 30, at + 30 + nameLength), start: at, end: next })
    at = next
  }
  return found(content.length)
}

const dataDescriptor = Buffer.from([0x50, 0x4b, 0x07, 0x08])

// The size of a part unzipped, counted a megabyte at a time, stopping once it is past `budget`.
function inflatedSize(compressed: Buffer, budget: number): Promise<number> {
  return new Promise((resolve) => {
    const inflater = createInflateRaw({ chunkSize: 1 << 20 })
    let size = 0
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > budget) {
        inflater.destroy()
        resolve(size)
      }
    })
    inflater.on('end', () => resolve(size))
    // A part that does not unzip: the Excel reader says so in its own words.
    inflater.on('error', () => resolve(size))
    inflater.end(compressed)
  })
}

// The parts the Excel reader needs before any sheet come first (Excel saves them after the sheets,
// and the reader would then copy each sheet to a temporary file to read later); a workbook without
// shared strings gets an empty list of them, for the same reason. The bytes are the file's own.
const firstParts = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml']

function inReadingOrder(content: Buffer, zip: ZipParts): Buffer[] {
  const rank = (part: ZipPart) => {
    const i = firstParts.indexOf(part.name)
    return i === -1 ? firstParts.length : i
  }
  const parts = [...zip.parts].sort((a, b) => rank(a) - rank(b))
  const pieces = parts.map((p) => content.subarray(p.start, p.end))
  if (!parts.some((p) => p.name === 'xl/sharedStrings.xml')) {
    const before = parts.filter((p) => rank(p) < firstParts.length).length
    pieces.splice(before, 0, storedPart('xl/sharedStrings.xml', noSharedStrings))
  }
  return [...pieces, content.subarray(zip.directory)]
}

const noSharedStrings = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
)

// A part as a zip stores it uncompressed (the reader does not check its checksum).
function storedPart(name: string, data: Buffer): Buffer {
  const fileName = Buffer.from(name)
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(20, 4)
  header.writeUInt32LE(data.length, 18)
  header.writeUInt32LE(data.length, 22)
  header.writeUInt16LE(fileName.length, 26)
  return Buffer.concat([header, fileName, data])
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
