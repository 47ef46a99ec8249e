import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type SuppressedTable, suppress } from './suppression.ts'

// Each line of the published table as the reader sees it: its entries and the entry that is its total.
function linesOf(t: SuppressedTable) {
  const rows = t.cells.map((row, r) => [...row, t.rowTotals[r]!])
  const totalsRow = [...t.columnTotals, t.total]
  const columns = t.columnLabels.map((_, c) => [...t.cells.map((row) => row[c]!), t.columnTotals[c]!])
  const totalsColumn = [...t.rowTotals, t.total]
  return [...rows, totalsRow, ...columns, totalsColumn]
}

const tables = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), columns: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, columns }) =>
    fc.record({
      threshold: fc.integer({ min: 2, max: 10 }),
      cells: fc.array(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 300 })), {
          minLength: columns,
          maxLength: columns,
        }),
        { minLength: rows, maxLength: rows },
      ),
    }),
  )

describe('small-number suppression', () => {
  it('shows no count from 1 to the threshold − 1, and withholds none alone in a line', () => {
    fc.assert(
      fc.property(tables, ({ threshold, cells }) => {
        const table = suppress(
          {
            rowLabels: cells.map((_, r) => `Row ${r}`),
            columnLabels: cells[0]!.map((_, c) => `Column ${c}`),
            cells,
          },
          { threshold, label: '[c]' },
        )
        for (const line of linesOf(table)) {
          for (const entry of line) {
            if (!entry.withheld) {
              expect(entry.value === 0 || entry.value >= threshold).toBe(true)
              expect(entry.shown).toBe(entry.value.toLocaleString('en-GB'))
            } else expect(entry.shown).toBe('[c]')
          }
          const hidden = line.filter((e) => e.withheld)
          // One withheld entry in a line would be its total less the others: never.
          expect(hidden.length).not.toBe(1)
          // Where the line's total is shown, what is withheld adds up to 0 or at least the threshold, so a
          // reader cannot share out a small remainder among the withheld entries.
          const total = line[line.length - 1]!
          if (!total.withheld && hidden.length > 0)
            expect(hidden.reduce((s, e) => s + e.value, 0)).toBeGreaterThanOrEqual(threshold)
        }
      }),
      { numRuns: 300 },
    )
  }, 30_000)

  it('withholds a second cell of a row so the first cannot be worked out', () => {
    const t = suppress({
      rowLabels: ['North', 'South'],
      columnLabels: ['A', 'B', 'C'],
      cells: [
        [3, 10, 20],
        [8, 9, 30],
      ],
    })
    expect(t.cells[0]!.map((c) => c.shown)).toEqual(['[c]', '[c]', '20'])
    expect(t.rowTotals.map((c) => c.shown)).toEqual(['33', '47'])
    // Column A withholds 3 and so its other cell (8) too; column B likewise.
    expect(t.cells[1]!.map((c) => c.withheld)).toEqual([true, true, false])
  })

  it('refuses a count that is not a whole number', () => {
    expect(() => suppress({ rowLabels: ['a'], columnLabels: ['b'], cells: [[1.5]] })).toThrow(/whole number/)
  })
})
