import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { xlsxStream } from './xlsx.ts'

type Row = { name: string; beds: number | null; contracted: boolean }

async function* batches(): AsyncGenerator<Row[]> {
  yield [{ name: 'Oak Lodge', beds: 40, contracted: true }]
  yield []
  yield [{ name: '=SUM(A1)', beds: null, contracted: false }]
}

describe('the streaming XLSX writer', () => {
  it('writes a bold header, then every batch’s rows, yes/no for booleans and text as text', async () => {
    const file = xlsxStream(
      ['Name', 'Beds', 'Contracted'],
      batches(),
      (r) => [r.name, r.beds, r.contracted],
      'Homes',
    )
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await buffer(file)) as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Homes')!
    expect(sheet.getRow(1).values).toEqual([undefined, 'Name', 'Beds', 'Contracted'])
    expect(sheet.getRow(1).font?.bold).toBe(true)
    expect(sheet.getRow(2).values).toEqual([undefined, 'Oak Lodge', 40, 'Yes'])
    expect(sheet.getRow(3).getCell(1).type).toBe(ExcelJS.ValueType.String)
    expect(sheet.getRow(3).getCell(2).value).toBeNull()
    expect(sheet.getRow(3).getCell(3).value).toBe('No')
    expect(sheet.actualRowCount).toBe(3)
  })

  it('fails the file, not the process, when reading a batch fails', async () => {
    async function* failing(): AsyncGenerator<Row[]> {
      yield [{ name: 'Oak Lodge', beds: 1, contracted: true }]
      throw new Error('database went away')
    }
    const file = xlsxStream(['Name'], failing(), (r) => [r.name], 'Homes')
    await expect(buffer(file)).rejects.toThrow('database went away')
  })
})
