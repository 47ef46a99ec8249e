import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { ImportPlan } from './plan.ts'
import { problemRowsCsv } from './problems-csv.ts'

const plan: ImportPlan = {
  create: [],
  update: [],
  unchanged: [],
  close: [],
  skip: [
    {
      rowNumber: 9,
      cqcLocationId: '1-288474903',
      name: '10 Harley Street',
      reason: 'Not an adult social care service (Doctors treatment service)',
    },
    { rowNumber: 3, cqcLocationId: '1-100000002', name: 'Rochdale Home', reason: 'Outside Oldham' },
  ],
  errors: [
    {
      rowNumber: 4,
      column: 'Care homes beds',
      reason: 'Care homes beds must be a whole number, 0 or more',
      value: 'ten',
      cqcLocationId: '1-100000003',
    },
    {
      rowNumber: 5,
      column: 'Location ID',
      reason: 'Location ID must look like 1-123456789',
      value: '=HYPERLINK("x")',
      cqcLocationId: '=HYPERLINK("x")',
    },
  ],
}

describe('problemRowsCsv', () => {
  it('lists every error and skip in file order, with the file’s own problems first', () => {
    const csv = problemRowsCsv(plan, [
      { rowNumber: null, column: null, reason: 'Something about the whole file' },
    ])
    expect(parse(csv)).toEqual([
      ['Row', 'Column', 'Location ID', 'Problem', 'Value'],
      ['', '', '', 'Something about the whole file', ''],
      ['3', '', '1-100000002', 'Outside Oldham', 'Rochdale Home'],
      ['4', 'Care homes beds', '1-100000003', 'Care homes beds must be a whole number, 0 or more', 'ten'],
      // Text that a spreadsheet would run as a formula is made harmless.
      ['5', 'Location ID', `'=HYPERLINK("x")`, 'Location ID must look like 1-123456789', `'=HYPERLINK("x")`],
      [
        '9',
        '',
        '1-288474903',
        'Not an adult social care service (Doctors treatment service)',
        '10 Harley Street',
      ],
    ])
  })

  it('keeps a negative number as it is', () => {
    const csv = problemRowsCsv(
      { ...plan, skip: [], errors: [{ rowNumber: 2, column: 'Care homes beds', reason: 'r', value: '-3' }] },
      [],
    )
    expect(parse(csv)[1]).toEqual(['2', 'Care homes beds', '', 'r', '-3'])
  })
})
