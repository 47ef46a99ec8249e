import { svgChart } from '../../domain/charts.ts'
import { contactCategoryNames } from '../../domain/contact-categories.ts'
import type { TrendTable } from './domain/enquiry.rules.ts'

// Enquiries per week by category as stacked bars, drawn by the product's one chart builder: no
// JavaScript, prints into reports. The table beside it carries the same figures for screen readers.

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const shortWeek = (iso: string) => {
  const [, m, d] = iso.split('-').map(Number) as [number, number, number]
  return `${d} ${monthNames[m - 1]}`
}

export function trendChartSvg(table: TrendTable): string {
  const points = table.weeks.map((week, i) => ({ label: shortWeek(week), value: table.weekTotals[i]! }))
  return svgChart(points, {
    id: 'trend',
    title: 'Enquiries per week by category',
    description: `Stacked bars for the ${table.weeks.length} weeks from the week of ${shortWeek(table.weeks[0]!)}; ${table.total} enquiries in all`,
    unit: 'enquiries',
    width: 720,
    kind: 'stacked',
    series: table.rows.map((row) => ({ name: contactCategoryNames[row.category], values: row.counts })),
    partTitle: (category, week, count) => `${category}, week of ${week.label}: ${count}`,
  })
}
