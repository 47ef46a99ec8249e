import { addDaysToIsoDate } from '../../../domain/dates.ts'
import type { Frequency } from '../../returns/index.ts'
import type { FigureHistory, LocationTrends, TrendNeeds } from './trends.ts'

// From what one scan of the returns gives per location (risk-trends.ts: the 4-week sums and the recent
// periods, in no order), each figure's history as the trend tests read it: the run of rises and falls,
// the 4-week average and the peers' percentiles. Pure. The sums are of whole numbers (staff absence in
// tenths of a per cent), so they are exact whatever order the database adds them in, and a recompute
// gives the same figures twice.

export type TrendAggregate = {
  locationId: string
  frequency: Frequency
  latestStart: string
  // Peers share both (a location with no council has a key of its own kind).
  councilKey: string
  serviceType: string
  // The recent periods' starts as days from today (0 or less), and per figure the value in each of
  // those periods (same order; whole numbers on the figure's scale).
  days: number[]
  values: (number | null)[][]
  // Per figure: the sum and number of its values over the last 4 weeks.
  totals: (number | null)[]
  counted: number[]
}

// As PostgreSQL's date - interval 'n months': the same day n months before, or that month's last day.
const monthBefore = (iso: string, months: number) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const lastDay = new Date(Date.UTC(y, m - 1 - months + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m - 1 - months, Math.min(d, lastDay))).toISOString().slice(0, 10)
}

// PostgreSQL's percentile_cont, with the same arithmetic, over values sorted ascending.
export function percentileCont(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null
  const position = fraction * (sorted.length - 1)
  const first = Math.floor(position)
  const second = Math.ceil(position)
  const low = sorted[first]!
  if (first === second) return low
  return low + (sorted[second]! - low) * (position - first)
}

// A recent period: its start in days from today, as a date for monthly ones, and its index in the row.
type Recent = { day: number; iso: string | null; index: number }

// The periods a run may read, newest first, and whether each follows on from the one after it.
function recentPeriods(
  row: TrendAggregate,
  today: string,
  longestRun: number,
): { periods: Recent[]; follows: boolean[] } {
  const { days } = row
  let latest = Number.NEGATIVE_INFINITY
  for (const day of days) if (day > latest) latest = day
  const monthly = row.frequency === 'monthly'
  const step = row.frequency === 'daily' ? 1 : 7
  // Daily and weekly periods within reach, found without sorting (a few thousand locations' worth of
  // sorts cost more than the rest): the periods `step` days apart, newest first.
  let order: number[]
  if (!monthly) {
    const slots: number[] = new Array(longestRun + 1).fill(-1)
    for (let i = 0; i < days.length; i++) {
      const back = latest - days[i]!
      if (back <= step * longestRun) slots[Math.floor(back / step)] = i
    }
    order = slots.filter((i) => i >= 0)
  } else order = days.map((_, i) => i).sort((a, b) => days[b]! - days[a]!)
  const oldestMonth = monthly ? monthBefore(row.latestStart, longestRun) : null
  const periods: Recent[] = []
  for (const i of order) {
    const day = days[i]!
    const iso = monthly ? addDaysToIsoDate(today, day) : null
    if (monthly && iso! < oldestMonth!) break
    periods.push({ day, iso, index: i })
  }
  const follows = periods.map((p, k) => {
    const older = periods[k + 1]
    if (!older) return false
    if (row.frequency === 'daily') return older.day === p.day - 1
    if (row.frequency === 'weekly') return older.day === p.day - 7
    return older.iso === monthBefore(p.iso!, 1)
  })
  return { periods, follows }
}

function run(
  periods: readonly Recent[],
  follows: readonly boolean[],
  values: readonly (number | null)[],
  rises: boolean,
): number {
  let k = 0
  for (; k < periods.length; k++) {
    const v = values[periods[k]!.index]
    const older = periods[k + 1]
    const p = older ? values[older.index] : null
    if (!follows[k] || v === null || v === undefined || p === null || p === undefined) break
    if (rises ? !(v > p) : !(v < p)) break
  }
  return k
}

// Each location's trends (of `wanted`, or of every row), with `scales[f]` turning figure f's whole
// numbers back into the figure (10 for tenths).
export function trendHistories(
  rows: readonly TrendAggregate[],
  today: string,
  needs: TrendNeeds,
  scales: readonly number[],
  wanted?: ReadonlySet<string>,
): Map<string, LocationTrends> {
  const longest = Math.max(needs.longestRun, 1)
  const byRow = rows.map((row) => ({ row, ...recentPeriods(row, today, longest) }))
  const scaled = (value: number | null | undefined, f: number) =>
    value === null || value === undefined ? null : value / scales[f]!

  // The peers' latest figures, by council and service type: counted, and their percentiles.
  const peerGroups = new Map<string, { peers: number[]; percentiles: Record<string, number>[] }>()
  if (needs.percentiles.length > 0) {
    const latestByGroup = new Map<string, number[][]>()
    for (const { row, periods } of byRow) {
      const key = `${row.councilKey}/${row.serviceType}`
      const lists = latestByGroup.get(key) ?? scales.map(() => [])
      latestByGroup.set(key, lists)
      scales.forEach((_, f) => {
        const first = periods[0]
        const value = first ? scaled(row.values[f]![first.index], f) : null
        if (value !== null) lists[f]!.push(value)
      })
    }
    for (const [key, lists] of latestByGroup) {
      const group = { peers: [] as number[], percentiles: [] as Record<string, number>[] }
      for (const list of lists) {
        list.sort((a, b) => a - b)
        group.peers.push(list.length)
        const percentiles: Record<string, number> = {}
        for (const q of needs.percentiles) {
          const value = percentileCont(list, q / 100)
          if (value !== null) percentiles[String(q)] = value
        }
        group.percentiles.push(percentiles)
      }
      peerGroups.set(key, group)
    }
  }

  const result = new Map<string, LocationTrends>()
  for (const { row, periods, follows } of byRow) {
    if (wanted && !wanted.has(row.locationId)) continue
    const group = peerGroups.get(`${row.councilKey}/${row.serviceType}`)
    const trends: LocationTrends = {}
    needs.figures.forEach((name, f) => {
      const values = row.values[f]!
      const latestWhole = periods[0] ? (values[periods[0].index] ?? null) : null
      const baselineReturns = row.counted[f]! - (latestWhole === null ? 0 : 1)
      const total = row.totals[f]
      const history: FigureHistory = {
        frequency: row.frequency,
        latestStart: row.latestStart,
        latest: scaled(latestWhole, f),
        recent: periods.map((p) => scaled(values[p.index], f)),
        rising: run(periods, follows, values, true),
        falling: run(periods, follows, values, false),
        baselineAverage:
          total === null || total === undefined || baselineReturns === 0
            ? null
            : (total - (latestWhole ?? 0)) / scales[f]! / baselineReturns,
        baselineReturns,
        peers: group?.peers[f] ?? 0,
        percentiles: group?.percentiles[f] ?? {},
      }
      trends[name] = history
    })
    result.set(row.locationId, trends)
  }
  return result
}
