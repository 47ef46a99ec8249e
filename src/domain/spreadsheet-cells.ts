import type { CellValue } from 'exceljs'

// Reading a worksheet row as the strings a CSV would give, shared by every spreadsheet upload.
export type SheetRow = { cellCount: number; getCell(column: number): { value: CellValue } }

// How an error cell (#REF!, #N/A) reads: blank, or its error text so that it can be reported.
export type ErrorCells = 'blank' | 'text'

export function rowTexts(row: SheetRow, width = 0, errorCells: ErrorCells = 'blank'): string[] {
  const texts: string[] = []
  for (let c = 1; c <= Math.max(row.cellCount, width); c++)
    texts.push(cellText(row.getCell(c).value, errorCells).trim())
  return texts
}

export function cellText(value: CellValue, errorCells: ErrorCells = 'blank'): string {
  if (value === null || value === undefined) return ''
  // Excel keeps a typed date as a date; the dates we read are calendar days.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if ('richText' in value) return value.richText.map((t) => t.text).join('')
  if ('hyperlink' in value) return cellText(value.text as CellValue, errorCells)
  if ('result' in value) return cellText(value.result as CellValue, errorCells)
  if ('error' in value && errorCells === 'text') return String(value.error)
  return ''
}
