import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { deflatedSpaces, zipOf } from '../../test/support/zip.ts'
import {
  checkUnzippedSize,
  csvRows,
  FileRefused,
  limitsInWords,
  type SheetRow,
  type UploadLimits,
  xlsxSheets,
} from './spreadsheet-reader.ts'

const limits: UploadLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 5000,
  maxColumns: 5,
  maxCellCharacters: 20,
  maxUnzippedBytes: 1024 * 1024,
}

async function all(rows: AsyncIterable<SheetRow>) {
  const out: SheetRow[] = []
  for await (const row of rows) out.push(row)
  return out
}

describe('limitsInWords', () => {
  it('states the size and the rows as the upload pages show them', () => {
    expect(limitsInWords(limits)).toBe('up to 10 MB and 5,000 rows')
  })
})

describe('csvRows', () => {
  it('numbers every line as a spreadsheet does, empty ones too, and reads Windows-1252', async () => {
    const content = Buffer.concat([Buffer.from('name,beds\n\nCaf'), Buffer.from([0xe9]), Buffer.from(',3\n')])
    expect(await all(csvRows(content, limits))).toEqual([
      { rowNumber: 1, cells: ['name', 'beds'] },
      { rowNumber: 2, cells: [''] },
      { rowNumber: 3, cells: ['Café', '3'] },
    ])
  })

  it('refuses a row with too many columns, or a cell too long, naming the row and column', async () => {
    await expect(all(csvRows(Buffer.from('a,b\n1,2,3,4,5,6\n'), limits))).rejects.toEqual(
      new FileRefused('Row 2 has 6 columns. A file can have at most 5'),
    )
    // Empty cells at the end of a row are not columns.
    expect(await all(csvRows(Buffer.from('a,b,,,,,,,\n'), limits))).toHaveLength(1)
    await expect(all(csvRows(Buffer.from(`a,b\n1,${'x'.repeat(21)}\n`), limits))).rejects.toEqual(
      new FileRefused('Row 2, column B has more than 20 characters'),
    )
  })

  it('stops at a quote with no closing quote rather than reading the rest of the file into one cell', async () => {
    const content = Buffer.from(`a,b\n"never closed,${'x'.repeat(200)}\n`.repeat(3))
    await expect(all(csvRows(content, limits))).rejects.toThrow(/check for a quote/)
  })
})

describe('xlsxSheets', () => {
  it('reads each sheet a row at a time, with dates as days and where each sheet is in the workbook', async () => {
    const workbook = new ExcelJS.Workbook()
    const first = workbook.addWorksheet('Returns')
    first.addRow(['cqcLocationId', 'periodStart', 'beds'])
    first.addRow(['1-101', new Date('2020-04-14T00:00:00Z'), 12])
    workbook.addWorksheet('Guidance').addRow(['Read me'])
    const content = Buffer.from(await workbook.xlsx.writeBuffer())
    const sheets: { name: string; position: number | null; rows: SheetRow[] }[] = []
    for await (const sheet of xlsxSheets(content, limits))
      sheets.push({ name: sheet.name, position: sheet.position, rows: await all(sheet.rows) })
    expect(sheets).toEqual([
      {
        name: 'Returns',
        position: 0,
        rows: [
          { rowNumber: 1, cells: ['cqcLocationId', 'periodStart', 'beds'] },
          { rowNumber: 2, cells: ['1-101', '2020-04-14', '12'] },
        ],
      },
      { name: 'Guidance', position: 1, rows: [{ rowNumber: 1, cells: ['Read me'] }] },
    ])
  })
  it('reads a workbook whose sheets come before the parts that explain them, as Excel saves them', async () => {
    for (const useSharedStrings of [true, false]) {
      const chunks: Buffer[] = []
      const stream = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk))
      const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings })
      const sheet = writer.addWorksheet('Returns')
      sheet.addRow(['cqcLocationId', 'name']).commit()
      sheet.addRow(['1-101', 'Rowan House']).commit()
      await writer.commit()
      const content = Buffer.concat(chunks)
      const names = (await checkUnzippedSize(content, limits)).parts.map((p) => p.name)
      expect(names.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(names.indexOf('xl/workbook.xml'))
      const read: SheetRow[][] = []
      for await (const s of xlsxSheets(content, limits)) read.push(await all(s.rows))
      expect(read).toEqual([
        [
          { rowNumber: 1, cells: ['cqcLocationId', 'name'] },
          { rowNumber: 2, cells: ['1-101', 'Rowan House'] },
        ],
      ])
    }
  })
})

describe('checkUnzippedSize', () => {
  it('refuses a small file that unzips past the limit, whether its sizes are before or after its data', async () => {
    const size = 3 * 1024 * 1024
    const data = await deflatedSpaces(size)
    expect(data.length).toBeLessThan(10_000)
    for (const sizesAfter of [false, true]) {
      await expect(
        checkUnzippedSize(zipOf('xl/worksheets/sheet1.xml', data, size, sizesAfter), limits),
      ).rejects.toThrow(
        'The workbook is too large to read: unzipped, it comes to more than 1 MB. Upload at most 5,000 rows, with nothing else in the workbook',
      )
    }
  })

  it('counts what a part really unzips to, not what its header says', async () => {
    const size = 3 * 1024 * 1024
    const lying = zipOf('xl/worksheets/sheet1.xml', await deflatedSpaces(size), 100, false)
    await expect(checkUnzippedSize(lying, limits)).rejects.toThrow(FileRefused)
  })

  it('passes a file within the limit, and refuses what is not a zip', async () => {
    const small = zipOf('xl/worksheets/sheet1.xml', await deflatedSpaces(1000), 1000, false)
    await expect(checkUnzippedSize(small, limits)).resolves.toMatchObject({
      parts: [{ name: 'xl/worksheets/sheet1.xml' }],
    })
    await expect(checkUnzippedSize(Buffer.from('PK\x03\x04 not really'), limits)).rejects.toThrow(
      'The file could not be read as an Excel workbook (.xlsx)',
    )
  })
  // Found by fuzzing (issue 26): a one-byte .xlsx upload never finished reading, and its request
  // answered 500 when the worker reading it stopped.
  it('refuses a file with no parts at all, which the Excel reader would wait on for ever', async () => {
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)])
    for (const content of [Buffer.from([5]), Buffer.alloc(0), Buffer.from('PK'), emptyZip])
      await expect(checkUnzippedSize(content, limits)).rejects.toThrow(
        'The file could not be read as an Excel workbook (.xlsx)',
      )
  })
})
