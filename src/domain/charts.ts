// Charts drawn on the server as SVG, so they show without JavaScript and print. Each is an image with a
// title and a description (role="img", aria-labelledby), and the page puts a table of the same figures
// beside it. Pure: points in, markup out. Every piece of text is escaped. The one chart builder of the
// product: the dashboards' bars and lines and the enquiry trends' stacked bars share its axis.

export type ChartPoint = { label: string; value: number | null }

// A stacked bar chart's parts: one value per point each, drawn bottom first in the order given, named
// in the legend. Each point's `value` is the total of its parts.
export type ChartSeries = { name: string; values: readonly number[] }

export type ChartOptions = {
  id: string
  title: string
  description: string
  unit: string
  width?: number
  height?: number
  kind?: 'bar' | 'line' | 'stacked'
  series?: readonly ChartSeries[]
  // The words a part's tooltip says, e.g. "PPE, week of 6 Apr: 2".
  partTitle?: (series: string, point: ChartPoint, value: number) => string
}

// Colours for a stacked chart's series, from the GOV.UK palette, told apart by the legend too.
export const seriesColours = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#6f4e00', '#912b88', '#505a5f']

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

// A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten.
export function niceMax(max: number): number {
  if (max <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power
  return 10 * power
}

// One formatter for every figure on every chart (making one per call is slow).
const figureFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 })
const format = (n: number) => figureFormat.format(n)

// Legend lines under a stacked chart: three series to a line (room for "Infection control and testing").
const legendPerLine = 3
const legendLineHeight = 22

export function svgChart(points: readonly ChartPoint[], options: ChartOptions): string {
  const series = options.kind === 'stacked' ? (options.series ?? []) : []
  // The legend adds lines below the chart; the plot keeps its size.
  const legendHeight = series.length ? 10 + Math.ceil(series.length / legendPerLine) * legendLineHeight : 0
  const width = options.width ?? 640
  const height = (options.height ?? 260) + legendHeight
  const margin = { top: 16, right: 16, bottom: 48 + legendHeight, left: 56 }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const values = points.map((p) => p.value).filter((v): v is number => v !== null)
  const top = niceMax(values.length ? Math.max(...values) : 0)
  const y = (v: number) => margin.top + plotHeight - (v / top) * plotHeight
  const step = points.length ? plotWidth / points.length : plotWidth
  const x = (i: number) => margin.left + step * i + step / 2
  const titleId = `${options.id}-title`
  const descId = `${options.id}-desc`
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="carehub-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" focusable="false">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(describe(points, options))}</desc>`,
  )
  // Grid lines and the value axis, at quarters of the top value.
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4
    const yy = y(v).toFixed(1)
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}" class="carehub-chart__grid"/>`,
      `<text x="${margin.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" class="carehub-chart__label">${escapeXml(format(v))}</text>`,
    )
  }
  if (options.kind === 'stacked') parts.push(...stackedBars(points, series, options, { x, y, step }))
  else if ((options.kind ?? 'bar') === 'bar') {
    const barWidth = Math.max(2, step * 0.7)
    points.forEach((p, i) => {
      if (p.value === null) return
      const top = y(p.value)
      parts.push(
        `<rect x="${(x(i) - barWidth / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(margin.top + plotHeight - top).toFixed(1)}" class="carehub-chart__bar"/>`,
      )
    })
  } else {
    const path = points
      .map((p, i) => (p.value === null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`))
      .filter((s): s is string => s !== null)
    if (path.length) parts.push(`<polyline points="${path.join(' ')}" class="carehub-chart__line"/>`)
    points.forEach((p, i) => {
      if (p.value !== null)
        parts.push(
          `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" class="carehub-chart__point"/>`,
        )
    })
  }
  // Date labels: every other one when crowded.
  const every = points.length > 8 ? 2 : 1
  points.forEach((p, i) => {
    if ((points.length - 1 - i) % every !== 0) return
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle" class="carehub-chart__label">${escapeXml(p.label)}</text>`,
    )
  })
  series.forEach((one, r) => {
    const lx = margin.left + (r % legendPerLine) * (plotWidth / legendPerLine)
    const ly = margin.top + plotHeight + 66 + Math.floor(r / legendPerLine) * legendLineHeight
    parts.push(
      `<rect x="${lx.toFixed(1)}" y="${ly - 10}" width="12" height="12" fill="${seriesColour(r)}"/>`,
      `<text x="${(lx + 18).toFixed(1)}" y="${ly}" class="carehub-chart__label">${escapeXml(one.name)}</text>`,
    )
  })
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" class="carehub-chart__axis"/>`,
    `<text x="${margin.left}" y="${height - 8 - legendHeight}" class="carehub-chart__label">${escapeXml(options.unit === '%' ? 'Per cent' : capitalise(options.unit))}</text>`,
    '</svg>',
  )
  return parts.join('')
}

const seriesColour = (r: number) => seriesColours[r % seriesColours.length]!

// Each point's bar as its parts, bottom first; a part of nothing is not drawn.
function stackedBars(
  points: readonly ChartPoint[],
  series: readonly ChartSeries[],
  options: ChartOptions,
  scale: { x: (i: number) => number; y: (v: number) => number; step: number },
): string[] {
  const { x, y, step } = scale
  const barWidth = Math.max(2, step * 0.7)
  const parts: string[] = []
  points.forEach((point, i) => {
    let base = 0
    series.forEach((one, r) => {
      const value = one.values[i] ?? 0
      if (value === 0) return
      const tip =
        options.partTitle?.(one.name, point, value) ?? `${one.name}, ${point.label}: ${format(value)}`
      parts.push(
        `<rect x="${(x(i) - barWidth / 2).toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${seriesColour(r)}" class="carehub-chart__part"><title>${escapeXml(tip)}</title></rect>`,
      )
      base += value
    })
  })
  return parts
}

function capitalise(text: string) {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text
}

// The description a screen reader hears: what is drawn, the range and the latest value.
export function describe(points: readonly ChartPoint[], options: Pick<ChartOptions, 'description' | 'unit'>) {
  const known = points.filter((p): p is { label: string; value: number } => p.value !== null)
  if (!known.length) return `${options.description}. No figures for these dates.`
  const unit = options.unit === '%' ? '%' : ` ${options.unit}`
  const first = known[0]!
  const last = known[known.length - 1]!
  const highest = known.reduce((a, b) => (b.value > a.value ? b : a))
  return `${options.description}. From ${format(first.value)}${unit} on ${first.label} to ${format(last.value)}${unit} on ${last.label}; highest ${format(highest.value)}${unit} on ${highest.label}. The table beside the chart gives every figure.`
}
