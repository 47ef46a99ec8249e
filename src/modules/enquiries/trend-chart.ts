import { contactCategoryNames } from '../../domain/contact-log/categories.ts'
import type { TrendTable } from '../../domain/enquiries/enquiry.rules.ts'

// A stacked bar chart of enquiries per week by category, drawn on the server as SVG: no JavaScript,
// prints into reports. The table beside it carries the same figures for screen readers.
const colours = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#6f4e00', '#912b88', '#505a5f']

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

const shortWeek = (iso: string) => {
  const [, m, d] = iso.split('-').map(Number) as [number, number, number]
  return `${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]}`
}

function niceMax(n: number): number {
  if (n <= 5) return 5
  const step = 10 ** Math.floor(Math.log10(n))
  for (const f of [1, 2, 5, 10]) if (f * step >= n) return f * step
  return 10 * step
}

export function trendChartSvg(table: TrendTable): string {
  const width = 720
  const height = 320
  const left = 44
  const right = 12
  const top = 16
  const bottom = 100
  const plotW = width - left - right
  const plotH = height - top - bottom
  const max = niceMax(Math.max(0, ...table.weekTotals))
  const slot = plotW / table.weeks.length
  const barW = Math.max(4, slot * 0.7)
  const y = (v: number) => top + plotH - (v / max) * plotH
  const parts: string[] = []
  const title = 'Enquiries per week by category'
  const desc = `Stacked bars for the ${table.weeks.length} weeks from the week of ${shortWeek(table.weeks[0]!)}; ${table.total} enquiries in all. The same figures are in the table on this page.`
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="trend-title trend-desc" class="carehub-chart">`,
    `<title id="trend-title">${escapeXml(title)}</title>`,
    `<desc id="trend-desc">${escapeXml(desc)}</desc>`,
  )
  for (let i = 0; i <= 5; i++) {
    const v = (max / 5) * i
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#b1b4b6" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
    )
  }
  table.weeks.forEach((week, i) => {
    const x = left + i * slot + (slot - barW) / 2
    let base = 0
    table.rows.forEach((row, r) => {
      const count = row.counts[i]!
      if (count === 0) return
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(base + count).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + count)).toFixed(1)}" fill="${colours[r % colours.length]}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(`${contactCategoryNames[row.category]}, week of ${shortWeek(week)}: ${count}`)}</title></rect>`,
      )
      base += count
    })
    parts.push(
      `<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" font-size="11" fill="#0b0c0c">${shortWeek(week)}</text>`,
    )
  })
  // Legend, two rows under the axis.
  table.rows.forEach((row, r) => {
    const col = r % 4
    const line = Math.floor(r / 4)
    const lx = left + col * 170
    const ly = top + plotH + 40 + line * 22
    parts.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${colours[r % colours.length]}"/>`,
      `<text x="${lx + 18}" y="${ly}" font-size="12" fill="#0b0c0c">${escapeXml(contactCategoryNames[row.category])}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('')
}
