// Phone-width tables (issue 18): below the tablet breakpoint carehub.css stacks every GOV.UK table into
// one card per row, each cell shown under its column's name. CSS cannot read a column's header, so
// every rendered page passes through here once: each body cell of a `govuk-table` gets its column's
// header text as `data-label`, unless it has one already. One mechanism for every table, and no view
// has to repeat its headers. At desktop width nothing changes: the tables stay tables.

const tableOpen = /<table\b[^>]*\bclass="[^"]*\bgovuk-table\b[^"]*"[^>]*>/g
const cellOpen = /<(td|th)\b([^>]*)>/g
const rowOpen = /<tr\b[^>]*>/g

// The page's HTML with data-label on the body cells of every govuk-table; other HTML is left alone.
export function labelTableCells(html: string): string {
  if (!html.includes('govuk-table')) return html
  let out = ''
  let from = 0
  tableOpen.lastIndex = 0
  for (let open = tableOpen.exec(html); open; open = tableOpen.exec(html)) {
    const start = open.index
    const end = html.indexOf('</table>', start)
    if (end === -1) break
    const table = html.slice(start, end)
    // A table inside a table is not ours to guess at: leave it as it is.
    if (table.indexOf('<table', open[0].length) !== -1) continue
    out += html.slice(from, start) + labelOneTable(table)
    from = end
    tableOpen.lastIndex = end
  }
  return out + html.slice(from)
}

function labelOneTable(table: string): string {
  const headStart = table.indexOf('<thead')
  const headEnd = table.indexOf('</thead>')
  if (headStart === -1 || headEnd === -1) return table
  const labels = headerLabels(table.slice(headStart, headEnd))
  if (labels.every((l) => l === '')) return table
  const body = table.slice(headEnd).replace(/<tr\b[^>]*>[\s\S]*?(?=<tr\b|$)/g, (row) => labelRow(row, labels))
  return table.slice(0, headEnd) + body
}

// The text of each column's header in the last row of the head (the row that names single columns).
function headerLabels(head: string): string[] {
  const rows = [...head.matchAll(rowOpen)]
  const lastRow = rows.at(-1)
  if (!lastRow) return []
  const row = head.slice(lastRow.index)
  const labels: string[] = []
  for (const cell of row.matchAll(/<th\b([^>]*)>([\s\S]*?)<\/th>/g)) {
    const text = textOf(cell[2] ?? '')
    for (let i = 0; i < span(cell[1] ?? ''); i++) labels.push(text)
  }
  return labels
}

function labelRow(row: string, labels: string[]): string {
  let column = 0
  return row.replace(cellOpen, (tag, name: string, attributes: string) => {
    const here = column
    const columns = span(attributes)
    column += columns
    // A row header names its card, and a cell across several columns ("No open alerts") needs no label.
    if (name === 'th' || columns > 1 || /\bdata-label=/.test(attributes)) return tag
    const label = labels[here]
    if (!label) return tag
    return `<${name}${attributes} data-label="${label}">`
  })
}

function span(attributes: string): number {
  const colspan = /\bcolspan="(\d+)"/.exec(attributes)
  return colspan ? Math.max(1, Number(colspan[1])) : 1
}

// Header text as an attribute value: tags dropped, white space collapsed. Entities stay as they are
// (they mean the same in an attribute); a bare quote cannot occur in escaped text but is escaped anyway.
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replaceAll('"', '&quot;')
}
