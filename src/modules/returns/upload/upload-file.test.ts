import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { deflatedSpaces, zipOf } from '../../../../test/support/zip.ts'
import { readUpload, returnsUploadLimits } from './upload-file.ts'
import { readUploadOffThread } from './upload-file.worker.ts'

const small = { ...returnsUploadLimits, maxRows: 3 }

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Returns')
  for (const row of rows) sheet.addRow(row)
  book.addWorksheet('Guidance').addRow(['Read me'])
  return Buffer.from(await book.xlsx.writeBuffer())
}

describe('readUpload', () => {
  it('reads the header and the rows with something in them, numbered as a spreadsheet shows them', async () => {
    const content = Buffer.from('\ncqcLocationId,beds\n1-101,3\n,\n1-102,4\n')
    expect(await readUpload('returns.csv', content, small)).toEqual({
      ok: true,
      table: {
        headerRowNumber: 2,
        header: ['cqcLocationId', 'beds'],
        rows: [
          { rowNumber: 3, cells: ['1-101', '3'] },
          { rowNumber: 5, cells: ['1-102', '4'] },
        ],
      },
    })
  })

  it('refuses a file with more rows than the limit, in CSV or XLSX', async () => {
    const rows = [['cqcLocationId', 'beds'], ...Array.from({ length: 4 }, (_, i) => [`1-10${i}`, i])]
    const refused = { ok: false, message: 'The file has more than 3 rows. Upload at most 3 rows at once' }
    expect(
      await readUpload('returns.csv', Buffer.from(rows.map((r) => r.join(',')).join('\n')), small),
    ).toEqual(refused)
    expect(await readUpload('returns.xlsx', await workbook(rows), small)).toEqual(refused)
    expect(await readUpload('returns.xlsx', await workbook(rows.slice(0, 4)), small)).toMatchObject({
      ok: true,
    })
  })

  it('refuses a workbook that unzips to more than 100 MB, before reading it', async () => {
    const size = 101 * 1024 * 1024
    const bomb = zipOf('xl/worksheets/sheet1.xml', await deflatedSpaces(size), size, false)
    expect(bomb.length).toBeLessThan(1024 * 1024)
    expect(await readUpload('returns.xlsx', bomb)).toEqual({
      ok: false,
      message:
        'The workbook is too large to read: unzipped, it comes to more than 100 MB. Upload at most 5,000 rows, with nothing else in the workbook',
    })
  })

  it('reads in a worker thread to the same result', async () => {
    const content = Buffer.from('cqcLocationId,beds\n1-101,3\n')
    expect(await readUploadOffThread('returns.csv', content)).toEqual(
      await readUpload('returns.csv', content),
    )
    expect(await readUploadOffThread('returns.pdf', content)).toEqual({
      ok: false,
      message: 'The file must be a CSV or an Excel workbook (.xlsx)',
    })
  })
})
