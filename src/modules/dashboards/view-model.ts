import { svgChart } from '../../domain/charts.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { currentDataset, derivedMeasures, fieldsFor, type ReturnValues } from '../returns/index.ts'
import { trendDays } from './domain/figures.ts'

type StoredReturn = { periodStart: string; values: unknown } | null

const show = (v: unknown) =>
  v === null || v === undefined
    ? 'Not reported'
    : typeof v === 'boolean'
      ? v
        ? 'Yes'
        : 'No'
      : Array.isArray(v)
        ? v.length
          ? v.join(', ')
          : 'None'
        : String(v)

// The latest return beside the one before, field by field, with the change in each number.
export function returnComparison(serviceType: string, latest: StoredReturn, previous: StoredReturn) {
  if (!latest) return []
  const now = latest.values as ReturnValues
  const before = (previous?.values ?? {}) as ReturnValues
  return fieldsFor(currentDataset, serviceType as ServiceType)
    .filter((f) => f.type !== 'text')
    .map((f) => {
      const a = now[f.key]
      const b = previous ? before[f.key] : undefined
      const change =
        typeof a === 'number' && typeof b === 'number' && a !== b ? `${a > b ? '+' : ''}${a - b}` : ''
      return { label: f.label, latest: show(a), previous: previous ? show(b) : '', change }
    })
}

export function keyMeasures(latest: StoredReturn) {
  if (!latest) return null
  return derivedMeasures(latest.values as ReturnValues)
}

// The location's key measures over the last 12 weeks: a point a week, on the same days as the
// dashboard's trends, from its latest return in the 7 days to each (none: a gap).
export function locationCharts(
  locationId: string,
  returns: readonly { periodStart: string; values: unknown }[],
  day: string,
  label: (iso: string) => string,
) {
  const latestIn = (d: string) =>
    returns
      .filter((r) => r.periodStart <= d && r.periodStart > addDaysToIsoDate(d, -7))
      .sort((a, b) => b.periodStart.localeCompare(a.periodStart))[0]
  const byDay = new Map<string, ReturnType<typeof derivedMeasures> | null>()
  const days = trendDays(day)
  for (const d of days) {
    const r = latestIn(d)
    byDay.set(d, r ? derivedMeasures(r.values as ReturnValues) : null)
  }
  const series = [
    {
      key: 'ppe',
      title: 'Lowest days of PPE in stock',
      unit: 'days',
      get: (m: ReturnType<typeof derivedMeasures>) => m.lowestPpeDays,
    },
    {
      key: 'absence',
      title: 'Staff absence',
      unit: '%',
      get: (m: ReturnType<typeof derivedMeasures>) => m.staffAbsencePercent,
    },
    {
      key: 'vacancies',
      title: 'Vacant beds',
      unit: 'beds',
      get: (m: ReturnType<typeof derivedMeasures>) => m.vacantBeds,
    },
    {
      key: 'cases',
      title: 'New confirmed COVID-19 cases',
      unit: 'cases',
      get: (m: ReturnType<typeof derivedMeasures>) => m.newCases,
    },
  ]
  return series
    .map((s) => {
      const points = days.map((d) => {
        const m = byDay.get(d)
        return { day: d, label: label(d), value: m ? s.get(m) : null }
      })
      return {
        key: s.key,
        title: s.title,
        unit: s.unit,
        hasData: points.some((p) => p.value !== null),
        rows: points,
        svg: svgChart(points, {
          id: `location-${locationId.slice(0, 8)}-${s.key}`,
          title: `${s.title}, returns in the 12 weeks to ${label(day)}`,
          description: `${s.title} in this location’s latest return in the 7 days to each date`,
          unit: s.unit,
          kind: s.unit === '%' || s.unit === 'days' ? 'line' : 'bar',
        }),
      }
    })
    .filter((c) => c.hasData)
}
