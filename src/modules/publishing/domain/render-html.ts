import { dateInWords, londonDate, londonTime } from '../../../domain/dates.ts'
import type { Cell, PublishedBlock, PublishedContent, VersionFacts } from './content.ts'

// A published version as one self-contained HTML document: stored as bytes when it is published and
// served as they are ever after. Its tables stack at phone width and it prints cleanly on A4.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  )

export const instantInWords = (iso: string) => {
  const at = new Date(iso)
  return `${dateInWords(londonDate(at))}, ${londonTime(at)}`
}

const styles = `
body{font-family:Arial,sans-serif;color:#0b0c0c;margin:0;line-height:1.4}
main{max-width:60em;margin:0 auto;padding:1em}
h1{font-size:2em;margin:.5em 0}h2{font-size:1.5em;margin-top:1.5em}h3{font-size:1.2em}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
table{border-collapse:collapse;width:100%;margin:1em 0}
caption{text-align:left;font-weight:bold;padding:.5em 0}
th,td{border:1px solid #b1b4b6;padding:.4em;text-align:left;vertical-align:top}
td.count,th.count{text-align:right}
.figure{margin:.4em 0;padding:.3em .5em;border-left:4px solid #1d70b8;background:#f3f2f1}
.facts{border:1px solid #b1b4b6;padding:.5em 1em}.note{color:#505a5f}
@media (max-width:40em){
  table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block;width:auto}
  table.stack thead{position:absolute;left:-9999px}
  table.stack tr{border-bottom:2px solid #0b0c0c;margin-bottom:1em}
  table.stack td::before,table.stack th[data-label]::before{content:attr(data-label);display:block;font-weight:bold}
}
@page{size:A4;margin:15mm}
@media print{
  body{font-size:10pt}main{max-width:none;padding:0}
  a{color:#0b0c0c;text-decoration:none}
  thead{display:table-header-group}tr{break-inside:avoid}h2,h3{break-after:avoid}
}`

function cellHtml(cell: Cell | undefined, asAt: (iso: string) => string): string {
  if (!cell) return ''
  const paragraphs = cell.text
    .split(/\n+/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
  const figures = (cell.figures ?? []).map(
    (f) =>
      `<p class="figure"><strong>${escapeHtml(f.name)}: ${escapeHtml(f.shown)}</strong> (at ${escapeHtml(asAt(f.asAt))}). <span class="note">${escapeHtml(f.definition)}</span></p>`,
  )
  return [...paragraphs, ...figures].join('')
}

function blockHtml(block: PublishedBlock): string {
  switch (block.type) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
    case 'table': {
      const head = block.columns.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join('')
      const rows = block.rows
        .map(
          (row) =>
            `<tr>${block.columns
              .map(
                (c) => `<td data-label="${escapeHtml(c.label)}">${cellHtml(row[c.key], instantInWords)}</td>`,
              )
              .join('')}</tr>`,
        )
        .join('\n')
      return `<table class="stack"><caption>${escapeHtml(block.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`
    }
    case 'suppressed': {
      const t = block.table
      const head = ['', ...t.columnLabels, 'Total']
        .map((l, i) => `<th scope="col"${i ? ' class="count"' : ''}>${escapeHtml(l)}</th>`)
        .join('')
      const line = (label: string, cells: { shown: string }[]) =>
        `<tr><th scope="row" data-label="">${escapeHtml(label)}</th>${cells
          .map(
            (c, i) =>
              `<td class="count" data-label="${escapeHtml([...t.columnLabels, 'Total'][i]!)}">${escapeHtml(c.shown)}</td>`,
          )
          .join('')}</tr>`
      const rows = [
        ...t.rowLabels.map((label, r) => line(label, [...t.cells[r]!, t.rowTotals[r]!])),
        line('Total', [...t.columnTotals, t.total]),
      ].join('\n')
      return `<table class="stack"><caption>${escapeHtml(block.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table><p class="note">${escapeHtml(block.note)}</p>`
    }
  }
}

export function renderHtml(content: PublishedContent, facts: VersionFacts): string {
  const correction = facts.changeNote
    ? `<p><strong>Correction.</strong> ${escapeHtml(facts.changeNote)}</p>`
    : ''
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)} (version ${facts.version})</title>
<style>${styles}</style>
</head>
<body>
<main id="main-content">
<h1>${escapeHtml(content.title)}</h1>
<div class="facts">
<p>Version ${facts.version}, published ${escapeHtml(instantInWords(facts.publishedAt))}, signed off by ${escapeHtml(facts.signedOffName)}. Figures as at ${escapeHtml(instantInWords(content.asAt))}.</p>
${correction}<p>Permanent address: <a href="${escapeHtml(facts.address)}">${escapeHtml(facts.address)}</a></p>
</div>
<p>${escapeHtml(content.summary)}</p>
${content.blocks.map(blockHtml).join('\n')}
</main>
</body>
</html>
`
}
