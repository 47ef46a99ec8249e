import { csvText } from '../../../domain/csv.ts'
import type { PublishedContent, VersionFacts } from './content.ts'
import { instantInWords } from './render-html.ts'

// A published version's tables as one long CSV: one line per table, row and column, each value as
// published (withheld counts as their label; figures in words with their date and definition).
export function renderCsv(content: PublishedContent, facts: VersionFacts): string {
  const lines: (string | number)[][] = [['Table', 'Row', 'Column', 'Value']]
  for (const block of content.blocks) {
    if (block.type === 'table') {
      const [first, ...rest] = block.columns
      for (const row of block.rows) {
        const rowLabel = first ? (row[first.key]?.text ?? '') : ''
        for (const column of rest) {
          const cell = row[column.key]
          const figures = (cell?.figures ?? []).map(
            (f) => `${f.name}: ${f.shown} (at ${instantInWords(f.asAt)}). ${f.definition}`,
          )
          lines.push([
            block.caption,
            rowLabel,
            column.label,
            [cell?.text ?? '', ...figures].join('\n').trim(),
          ])
        }
      }
    }
    if (block.type === 'suppressed') {
      const t = block.table
      const columns = [...t.columnLabels, 'Total']
      const rows = [
        ...t.rowLabels.map((_, r) => [...t.cells[r]!, t.rowTotals[r]!]),
        [...t.columnTotals, t.total],
      ]
      rows.forEach((cells, r) => {
        cells.forEach((c, i) => {
          lines.push([block.caption, t.rowLabels[r] ?? 'Total', columns[i]!, c.shown])
        })
      })
    }
  }
  lines.push([
    `${content.title}, version ${facts.version}`,
    'Published',
    '',
    instantInWords(facts.publishedAt),
  ])
  if (facts.changeNote)
    lines.push([`${content.title}, version ${facts.version}`, 'Correction', '', facts.changeNote])
  lines.push([`${content.title}, version ${facts.version}`, 'Permanent address', '', facts.address])
  return csvText(lines)
}
