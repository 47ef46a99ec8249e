import { svgChart } from '../../domain/charts.ts'
import { dateInWords } from '../../domain/dates.ts'
import type { WeekFigures } from './domain/staffing.rules.ts'

// Hours requested and filled per week as stacked bars (filled, then still unfilled), drawn by the
// product's one chart builder; the page's table carries the same figures.
const short = (iso: string) => dateInWords(iso).replace(/ \d{4}$/, '')

export function shiftsChart(weeks: readonly WeekFigures[]): string {
  const filled = weeks.map((w) => Math.min(w.hoursFilled, w.hoursRequested))
  const unfilled = weeks.map((w, i) => Math.max(0, w.hoursRequested - filled[i]!))
  return svgChart(
    weeks.map((w) => ({ label: short(w.weekStart), value: w.hoursRequested })),
    {
      id: 'staffing-hours',
      title: 'Emergency staffing hours requested and filled, by week',
      description: `Stacked bars for the ${weeks.length} weeks from the week of ${short(weeks[0]!.weekStart)}: hours filled, then hours left unfilled`,
      unit: 'hours',
      width: 720,
      kind: 'stacked',
      series: [
        { name: 'Hours filled', values: filled },
        { name: 'Hours not filled', values: unfilled },
      ],
      partTitle: (series, week, value) => `${series}, week of ${week.label}: ${value}`,
    },
  )
}
