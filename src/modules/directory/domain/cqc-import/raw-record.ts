import type { CqcField } from './headers.ts'

// One row of any CQC file, before it is checked: each known column's text, and the header each came
// from (one object for the whole file, not one a row).
export type FieldTexts = Partial<Record<CqcField, string | null>>
export type FieldColumns = Partial<Record<CqcField, string>>
export type RawRecord = {
  rowNumber: number
  texts: FieldTexts
  columns: FieldColumns
  serviceTypes: string[]
  isProvider: boolean
  // A problem with the row as a whole (a CSV row with the wrong number of fields).
  rowProblem?: string
}
