// Small-number suppression for a table of counts with its row totals, column totals and grand total.
// Primary: any count (cell or total) from 1 to threshold − 1 is withheld. Secondary: a line (a row
// with its total, a column with its total, the totals row, the totals column) that withholds exactly
// one entry would give it away by subtraction, and a line whose withheld entries add up to a small
// number would narrow them down; in either case another entry of the line is withheld too (the
// smallest cell first, its total last), until no line does. Every withheld entry shows the same label,
// so a reader cannot tell a small number from one withheld to protect it. Pure.

export type SuppressionRule = { threshold: number; label: string }

export const defaultSuppressionRule: SuppressionRule = { threshold: 5, label: '[c]' }

export type CountTable = { rowLabels: string[]; columnLabels: string[]; cells: number[][] }

export type ShownCount = { value: number; shown: string; withheld: boolean }

export type SuppressedTable = {
  rowLabels: string[]
  columnLabels: string[]
  // rows × columns, then the row totals, the column totals and the grand total.
  cells: ShownCount[][]
  rowTotals: ShownCount[]
  columnTotals: ShownCount[]
  total: ShownCount
}

// The grid of entries: cells, with each row's total as an extra column and the column totals as an
// extra row (the grand total at the corner).
type Grid = { values: number[][]; withheld: boolean[][] }

function lines(rows: number, columns: number): [number, number][][] {
  const all: [number, number][][] = []
  for (let r = 0; r <= rows; r++) all.push(Array.from({ length: columns + 1 }, (_, c) => [r, c]))
  for (let c = 0; c <= columns; c++) all.push(Array.from({ length: rows + 1 }, (_, r) => [r, c]))
  return all
}

export function isSmall(value: number, rule: SuppressionRule): boolean {
  return value >= 1 && value < rule.threshold
}

export function suppress(table: CountTable, rule: SuppressionRule = defaultSuppressionRule): SuppressedTable {
  const rows = table.rowLabels.length
  const columns = table.columnLabels.length
  for (const row of table.cells)
    for (const value of row)
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`A count must be a whole number, not ${value}`)
  const values: number[][] = table.cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)])
  values.push(
    Array.from({ length: columns + 1 }, (_, c) => values.reduce((sum, row) => sum + (row[c] ?? 0), 0)),
  )
  const grid: Grid = { values, withheld: values.map((row) => row.map((v) => isSmall(v, rule))) }
  const allLines = lines(rows, columns)
  let changed = true
  while (changed) {
    changed = false
    for (const line of allLines) {
      const hidden = line.filter(([r, c]) => grid.withheld[r]![c])
      if (hidden.length === 0) continue
      const hiddenSum = hidden.reduce((sum, [r, c]) => sum + grid.values[r]![c]!, 0)
      const totalEntry = line[line.length - 1]!
      const totalShown = !grid.withheld[totalEntry[0]]![totalEntry[1]]
      const exposed = hidden.length === 1 || (totalShown && hiddenSum < rule.threshold)
      if (!exposed) continue
      const candidate = line
        .slice(0, -1)
        .filter(([r, c]) => !grid.withheld[r]![c])
        .sort(([r1, c1], [r2, c2]) => grid.values[r1]![c1]! - grid.values[r2]![c2]!)[0]
      const next = candidate ?? (totalShown ? totalEntry : undefined)
      if (!next) continue
      grid.withheld[next[0]]![next[1]] = true
      changed = true
    }
  }
  const shown = (r: number, c: number): ShownCount => {
    const value = grid.values[r]![c]!
    const withheld = grid.withheld[r]![c]!
    return { value, withheld, shown: withheld ? rule.label : value.toLocaleString('en-GB') }
  }
  return {
    rowLabels: table.rowLabels,
    columnLabels: table.columnLabels,
    cells: table.cells.map((row, r) => row.map((_, c) => shown(r, c))),
    rowTotals: table.cells.map((_, r) => shown(r, columns)),
    columnTotals: Array.from({ length: columns }, (_, c) => shown(rows, c)),
    total: shown(rows, columns),
  }
}
