import type { Frequency } from '../../returns/index.ts'

// Trend and outlier tests: a figure rising (or falling) period after period, a change against the
// location's own last 4 weeks, and a location far outside its peers. The figures behind them are worked
// out in SQL (risk-trends.ts); this file says what each test means, when it cannot be judged, and why
// it fired, in words. Pure.

export type TrendDirection = 'up' | 'down'

export type TrendTest =
  // The figure went up (down) against the period before in each of the last `periods` periods.
  | { type: 'run'; direction: TrendDirection; periods: number }
  // The latest figure is more than `percent` % above (below) the location's own 4-week average.
  | { type: 'change'; direction: TrendDirection; percent: number }
  // The latest figure is above (below) the `percentile`th percentile of its peers: the locations of the
  // same service type in the same council.
  | { type: 'peers'; direction: TrendDirection; percentile: number }

export type TrendFigure = { name: string; label: string; unit: (value: number) => string }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const rounded = (value: number) => Math.round(value * 10) / 10

// The figures a trend test may follow: each is one number in every return (measures.ts works out the
// latest return's from the same fields, risk-trends.ts every return's in SQL).
export const trendFigures: readonly TrendFigure[] = [
  { name: 'staff_absence_percent', label: 'staff absence', unit: (v) => `${rounded(v)} %` },
  { name: 'lowest_ppe_days', label: 'the lowest PPE stock', unit: (v) => plural(rounded(v), 'day') },
  { name: 'vacancies', label: 'vacant beds', unit: (v) => `${rounded(v)}` },
]
export const trendFigureByName = new Map(trendFigures.map((f) => [f.name, f]))

// Limits of the parameters, with the words that explain them (the rule form and the condition parser).
export const runPeriods = { min: 2, max: 10 }
export const changePercent = { min: 1, max: 1000 }
export const percentileRange = { min: 1, max: 99 }

// A parameter as typed (text) or parsed (number): the problem in words, or null.
export function runPeriodsProblem(periods: number): string | null {
  return Number.isInteger(periods) && periods >= runPeriods.min && periods <= runPeriods.max
    ? null
    : `The number of periods must be a whole number from ${runPeriods.min} to ${runPeriods.max}`
}
export function changePercentProblem(percent: number): string | null {
  return Number.isFinite(percent) && percent >= changePercent.min && percent <= changePercent.max
    ? null
    : `The change must be a number from ${changePercent.min} to ${changePercent.max} (per cent)`
}
export function percentileProblem(percentile: number, direction: TrendDirection): string | null {
  if (!Number.isInteger(percentile) || percentile < percentileRange.min || percentile > percentileRange.max)
    return `The percentile must be a whole number from ${percentileRange.min} to ${percentileRange.max}`
  if (direction === 'up' && percentile < 50)
    return 'To flag locations far above their peers, the percentile must be 50 or more, like 95'
  if (direction === 'down' && percentile > 50)
    return 'To flag locations far below their peers, the percentile must be 50 or less, like 5'
  return null
}

// A percentile means little with few peers: at least one peer in a hundred lies beyond the 95th
// percentile, so it takes 20 peers (the location included) before we expect any; the 99th takes 100.
// Fewer, and the test cannot be judged (and never fires). Never fewer than 10.
export function peersNeeded(percentile: number): number {
  return Math.max(10, Math.ceil(100 / Math.min(percentile, 100 - percentile)))
}

// The returns the 4-week average needs besides the latest: half the periods of 4 weeks. A monthly
// return has no 4-week average.
export const baselineReturnsNeeded: Record<Frequency, number> = {
  daily: 14,
  weekly: 2,
  monthly: Number.POSITIVE_INFINITY,
}

// What SQL tells us about one figure of one location: its latest return (the one the other measures
// read, within the last 14 days), its recent history and its peers.
export type FigureHistory = {
  frequency: Frequency
  latestStart: string
  latest: number | null
  // The newest values first (null: not reported) of the returns within the longest run any rule asks
  // for, plus one period, before the latest: consecutive periods as far as the run goes.
  recent: (number | null)[]
  // Consecutive periods, ending with the latest, in which the figure rose (fell) against the period
  // before; a period without a return, or without the figure, ends the run.
  rising: number
  falling: number
  // The average of the figure in the location's other returns of the last 4 weeks, and how many there are.
  baselineAverage: number | null
  baselineReturns: number
  // Peers with the figure known in their latest return (the location included), and the percentiles
  // the rules ask for, by percentile (95 → value).
  peers: number
  percentiles: Record<string, number>
}

// By figure name. Absent: the location has no return in the last 14 days.
export type LocationTrends = Record<string, FigureHistory>

export type TrendOutcome = { truth: boolean | null; reason: string | null }

const periodWord: Record<Frequency, string> = { daily: 'day', weekly: 'week', monthly: 'month' }
const ordinal = (n: number) => {
  const tens = n % 100
  const suffix =
    tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

// Whether the test holds for a location (null: it cannot be judged, so the rule does not fire), and
// when it holds, why, in words: "Staff absence rose from 8 % to 19 % over 3 days".
export function trendOutcome(
  figureName: string,
  test: TrendTest,
  trends: LocationTrends | null | undefined,
): TrendOutcome {
  const figure = trendFigureByName.get(figureName)
  const history = trends?.[figureName]
  if (!figure || !history || history.latest === null) return { truth: null, reason: null }
  const latest = history.latest
  const label = capitalise(figure.label)
  if (test.type === 'run') {
    const run = test.direction === 'up' ? history.rising : history.falling
    if (run < test.periods) return { truth: false, reason: null }
    const from = history.recent[test.periods]
    if (from === null || from === undefined) return { truth: false, reason: null }
    return {
      truth: true,
      reason: `${label} ${test.direction === 'up' ? 'rose' : 'fell'} from ${figure.unit(from)} to ${figure.unit(latest)} over ${plural(test.periods, periodWord[history.frequency])}`,
    }
  }
  if (test.type === 'change') {
    const average = history.baselineAverage
    if (
      average === null ||
      average === 0 ||
      history.baselineReturns < baselineReturnsNeeded[history.frequency]
    )
      return { truth: null, reason: null }
    const change = ((latest - average) / Math.abs(average)) * 100
    const holds = test.direction === 'up' ? change > test.percent : change < -test.percent
    if (!holds) return { truth: false, reason: null }
    return {
      truth: true,
      reason: `${label} was ${figure.unit(latest)}, ${change > 0 ? 'up' : 'down'} ${Math.round(Math.abs(change))} % on its 4-week average of ${figure.unit(average)}`,
    }
  }
  const limit = history.percentiles[String(test.percentile)]
  if (limit === undefined || history.peers < peersNeeded(test.percentile))
    return { truth: null, reason: null }
  const holds = test.direction === 'up' ? latest > limit : latest < limit
  if (!holds) return { truth: false, reason: null }
  return {
    truth: true,
    reason: `${label} was ${figure.unit(latest)}, ${test.direction === 'up' ? 'above' : 'below'} the ${ordinal(test.percentile)} percentile (${figure.unit(limit)}) of its ${history.peers} peers of the same service type in the council`,
  }
}

// A trend test as the condition language writes it, after its figure's name:
//   rising for 3 periods · falling for 3 periods
//   up more than 50% on 4 weeks · down more than 50% on 4 weeks
//   above 95th percentile of peers · below 5th percentile of peers
export function formatTrendTest(test: TrendTest): string {
  if (test.type === 'run')
    return `${test.direction === 'up' ? 'rising' : 'falling'} for ${test.periods} periods`
  if (test.type === 'change') return `${test.direction} more than ${test.percent}% on 4 weeks`
  return `${test.direction === 'up' ? 'above' : 'below'} ${ordinal(test.percentile)} percentile of peers`
}

// What the SQL must work out for a set of rules' trend tests: the figures, the longest run, whether any
// rule compares with the 4-week average, and which percentiles.
export type TrendNeeds = {
  figures: string[]
  longestRun: number
  change: boolean
  percentiles: number[]
}

export function trendNeeds(terms: readonly { measure: string; test: TrendTest }[]): TrendNeeds | null {
  if (terms.length === 0) return null
  const figures = new Set<string>()
  const percentiles = new Set<number>()
  let longestRun = 0
  let change = false
  for (const { measure, test } of terms) {
    figures.add(measure)
    if (test.type === 'run') longestRun = Math.max(longestRun, test.periods)
    else if (test.type === 'change') change = true
    else percentiles.add(test.percentile)
  }
  return {
    figures: trendFigures.map((f) => f.name).filter((name) => figures.has(name)),
    longestRun,
    change,
    percentiles: [...percentiles].sort((a, b) => a - b),
  }
}
