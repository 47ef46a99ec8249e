import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { FileRefused } from '../../../../domain/spreadsheet-reader.ts'
import { cqcImportLimits } from './file-limits.ts'
import { parseCqcFile } from './parse.ts'

// A file past the limits is refused as soon as the limit is reached, whatever its format.
const limits = { ...cqcImportLimits, maxRows: 2 }
const refused = new FileRefused('The file has more than 2 rows. Upload at most 2 rows at once')
const header = ['Location ID', 'Location Name', 'Service types']
const rows = [1, 2, 3].map((n) => [`1-10000000${n}`, `Home ${n}`, 'Care home service without nursing'])

describe('parseCqcFile within limits', () => {
  it('refuses a CSV, an XLSX and JSON lines with more rows than the limit', async () => {
    const csv = Buffer.from([header, ...rows].map((r) => r.join(',')).join('\n'))
    await expect(parseCqcFile({ fileName: 'cqc.csv', content: csv }, limits)).rejects.toEqual(refused)

    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Locations')
    for (const row of [header, ...rows]) sheet.addRow(row)
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer())
    await expect(parseCqcFile({ fileName: 'cqc.xlsx', content: xlsx }, limits)).rejects.toEqual(refused)

    const jsonl = Buffer.from(
      rows.map(([locationId, name]) => JSON.stringify({ locationId, name })).join('\n'),
    )
    await expect(parseCqcFile({ fileName: 'cqc.jsonl', content: jsonl }, limits)).rejects.toEqual(refused)
    const array = Buffer.from(JSON.stringify(rows.map(([locationId, name]) => ({ locationId, name }))))
    await expect(parseCqcFile({ fileName: 'cqc.json', content: array }, limits)).rejects.toEqual(refused)
  })

  it('reads the same files when they are within the limit', async () => {
    const csv = Buffer.from([header, ...rows.slice(0, 2)].map((r) => r.join(',')).join('\n'))
    const parsed = await parseCqcFile({ fileName: 'cqc.csv', content: csv }, limits)
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['location', 'location'])
    const jsonl = Buffer.from(`\n${JSON.stringify({ locationId: '1-100000001', name: 'Home' })}\r\n\n`)
    const fromJson = await parseCqcFile({ fileName: 'cqc.jsonl', content: jsonl }, limits)
    expect(fromJson.rows.map((r) => r.rowNumber)).toEqual([2])
  })
})
