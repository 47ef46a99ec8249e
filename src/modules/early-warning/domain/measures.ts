import {
  type Frequency,
  helpKinds,
  type Period,
  periodContaining,
  ppeItems,
  previousPeriod,
  type ReturnValues,
  type ReturnWindow,
  windowTimes,
} from '../../returns/index.ts'
import type { LocationTrends } from './trends.ts'

// The figures risk rules are written over, worked out per location from its recent current returns.
// Pure: the caller supplies the location's return summary, its reporting template and the time.

export type MeasureType = 'number' | 'yes-no'

export type MeasureDefinition = {
  // The name used in rule conditions, e.g. `lowest_ppe_days < 3`.
  name: string
  // The key used in Measures and in an alert's evidence.
  key: keyof Measures
  label: string
  type: MeasureType
  description: string
}

export type Measures = {
  lowestPpeDays: number | null
  lowestPpeItem: string | null
  staffAbsencePercent: number | null
  newConfirmedCases14Days: number | null
  suspectedCases14Days: number | null
  deaths7Days: number | null
  vacancies: number | null
  admissionsClosed: boolean | null
  helpRequested: boolean | null
  helpRequestedKinds: string[]
  periodsWithoutReturn: number | null
  // The figures trend and outlier tests read (trends.ts), when a rule in use has such a test.
  trends?: LocationTrends
}

export const measureDefinitions: readonly MeasureDefinition[] = [
  {
    name: 'lowest_ppe_days',
    key: 'lowestPpeDays',
    label: 'Lowest PPE days',
    type: 'number',
    description: 'Days of stock of the PPE item the location has least of, in its latest return',
  },
  {
    name: 'staff_absence_percent',
    key: 'staffAbsencePercent',
    label: 'Staff absence (%)',
    type: 'number',
    description: 'Staff absent for any reason as a percentage of staff employed, in the latest return',
  },
  {
    name: 'new_confirmed_cases_14_days',
    key: 'newConfirmedCases14Days',
    label: 'New confirmed cases in 14 days',
    type: 'number',
    description: 'New confirmed COVID-19 cases, people supported and staff, in returns for the last 14 days',
  },
  {
    name: 'suspected_cases_14_days',
    key: 'suspectedCases14Days',
    label: 'Suspected cases in 14 days',
    type: 'number',
    description: 'New suspected COVID-19 cases, people supported and staff, in returns for the last 14 days',
  },
  {
    name: 'deaths_7_days',
    key: 'deaths7Days',
    label: 'Deaths in 7 days',
    type: 'number',
    description:
      'Deaths of people supported (COVID-19 and other) and staff deaths from COVID-19 in returns for the last 7 days',
  },
  {
    name: 'vacancies',
    key: 'vacancies',
    label: 'Vacant beds',
    type: 'number',
    description: 'Beds that can be used less beds occupied, in the latest return (care homes only)',
  },
  {
    name: 'admissions_closed',
    key: 'admissionsClosed',
    label: 'Closed to admissions',
    type: 'yes-no',
    description: 'The latest return says the home is closed to new admissions (care homes only)',
  },
  {
    name: 'help_requested',
    key: 'helpRequested',
    label: 'Help requested',
    type: 'yes-no',
    description: 'The latest return asks for help (PPE, staffing, infection control, finance or other)',
  },
  {
    name: 'periods_without_return',
    key: 'periodsWithoutReturn',
    label: 'Periods without a return',
    type: 'number',
    description: 'Consecutive reporting periods, up to the latest one now due, with no return',
  },
]

export const measureByName = new Map(measureDefinitions.map((m) => [m.name, m]))

// What the database tells us about a location's recent returns. The window sums are over current
// returns whose period overlaps the last 14 (or 7) days, today included; "latest" is the newest current
// return whose period overlaps the last 14 days (older figures are not treated as today's).
export type ReturnSummary = {
  latest: { id: string; periodStart: string; submittedAt: Date; values: ReturnValues } | null
  confirmedCases14Days: number | null
  suspectedCases14Days: number | null
  deaths7Days: number | null
  // The newest current return's period start, however old.
  latestPeriodStart: string | null
}

export type ExemptDays = { from: string; through: string }

export type ReportingContext = {
  serviceType: string
  frequency: Frequency
  window: ReturnWindow
  extraHours: number
  // The days (up to today) each agreed exemption covered: no return was expected for a period sharing a
  // day with one (the returns' rule), so it is never "without a return" (none: null or left out).
  exempted?: ExemptDays[] | null
  // The first day of the location's current open spell; null when it is not open (not expected to report).
  openSince: string | null
}

const knownHelp = new Set<string>(helpKinds.map((k) => k.value))
const ppeFields = ppeItems.map(([key, name]) => [`ppeDays${key}`, name] as const)

const n = (values: ReturnValues, key: string) =>
  typeof values[key] === 'number' ? (values[key] as number) : null

// `dueStart` (the newest due period's start) may be given when it is known already: a full recompute
// works it out once per reporting template rather than once per location.
export function measuresFor(
  summary: ReturnSummary,
  context: ReportingContext,
  now: Date,
  dueStart?: string,
): Measures {
  const values = summary.latest?.values ?? null
  let lowestPpeDays: number | null = null
  let lowestPpeItem: string | null = null
  let staffAbsencePercent: number | null = null
  let vacancies: number | null = null
  let admissionsClosed: boolean | null = null
  let helpRequested: boolean | null = null
  let helpRequestedKinds: string[] = []
  if (values) {
    for (const [key, name] of ppeFields) {
      const days = n(values, key)
      if (days !== null && (lowestPpeDays === null || days < lowestPpeDays)) {
        lowestPpeDays = days
        lowestPpeItem = name
      }
    }
    const employed = n(values, 'staffEmployed')
    const covid = n(values, 'staffAbsentCovid')
    const other = n(values, 'staffAbsentOther')
    // Same rounding as the returns' derived measures: one decimal place.
    if (employed && covid !== null && other !== null)
      staffAbsencePercent = Math.round((1000 * (covid + other)) / employed) / 10
    const available = n(values, 'bedsAvailable')
    const occupied = n(values, 'bedsOccupied')
    if (available !== null && occupied !== null) vacancies = available - occupied
    if (typeof values.closedToAdmissions === 'boolean') admissionsClosed = values.closedToAdmissions
    const help = typeof values.helpRequested === 'string' ? values.helpRequested : ''
    helpRequestedKinds = help
      .split(',')
      .map((k) => k.trim())
      .filter((k) => knownHelp.has(k))
    helpRequested = helpRequestedKinds.length > 0
  }
  return {
    lowestPpeDays,
    lowestPpeItem,
    staffAbsencePercent,
    newConfirmedCases14Days: summary.confirmedCases14Days,
    suspectedCases14Days: summary.suspectedCases14Days,
    deaths7Days: summary.deaths7Days,
    vacancies,
    admissionsClosed,
    helpRequested,
    helpRequestedKinds,
    periodsWithoutReturn: periodsWithoutReturn(context, summary.latestPeriodStart, now, dueStart),
  }
}

// The newest period whose return is already due (its deadline has passed).
export function latestDuePeriod(frequency: Frequency, window: ReturnWindow, extraHours: number, now: Date) {
  let period: Period = periodContaining(frequency, now)
  // At most a few steps: a window's deadline is never more than a couple of periods after its start.
  for (let i = 0; i < 6 && windowTimes(period, window, extraHours).dueAt >= now; i++)
    period = previousPeriod(period)
  return period
}

const dayNumber = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000)
}
const monthNumber = (iso: string) => {
  const [y, m] = iso.split('-').map(Number) as [number, number]
  return y * 12 + m - 1
}

// How many periods (start inclusive) lie from `fromStart` to `toStart`, both period starts.
function periodsBetween(frequency: Frequency, fromStart: string, toStart: string): number {
  if (frequency === 'monthly') return monthNumber(toStart) - monthNumber(fromStart) + 1
  const days = dayNumber(toStart) - dayNumber(fromStart)
  return frequency === 'daily' ? days + 1 : Math.floor(days / 7) + 1
}

// Consecutive due periods with no return, counting back from the newest due period to the last period
// with a return, and never before the location opened. Null when the location is not expected to report.
export function periodsWithoutReturn(
  context: ReportingContext,
  latestPeriodStart: string | null,
  now: Date,
  dueStart?: string,
): number | null {
  if (context.openSince === null) return null
  const due = {
    start: dueStart ?? latestDuePeriod(context.frequency, context.window, context.extraHours, now).start,
  }
  const openedPeriod = periodStartOn(context.frequency, context.openSince)
  // The newest period up to the due one that an exemption covered counts as reported.
  const dueEnd = nextStart(context.frequency, due.start)
  const exempted = (context.exempted ?? [])
    .filter((x) => x.from < dueEnd)
    .map((x) => (x.through >= due.start ? due.start : periodStartOn(context.frequency, x.through)))
    .reduce<string | null>((a, b) => (a && a > b ? a : b), null)
  const last =
    exempted && (latestPeriodStart === null || exempted > latestPeriodStart) ? exempted : latestPeriodStart
  // The first period that needed a return: the one after the last return, but not before opening.
  const afterLast = last ? nextStart(context.frequency, last) : null
  const first = afterLast && afterLast > openedPeriod ? afterLast : openedPeriod
  if (first > due.start) return 0
  return periodsBetween(context.frequency, first, due.start)
}

function isoNoon(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d, 12))
}

// The start of the period containing an ISO date, by date arithmetic alone (weeks start on Monday).
export function periodStartOn(frequency: Frequency, isoDate: string): string {
  if (frequency === 'daily') return isoDate
  if (frequency === 'monthly') return `${isoDate.slice(0, 7)}-01`
  const day = dayNumber(isoDate)
  // Day 0 (1 Jan 1970) was a Thursday: Monday is 3 days before it.
  return isoOfDay(day - ((((day + 3) % 7) + 7) % 7))
}

const isoOfDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10)

function nextStart(frequency: Frequency, start: string): string {
  if (frequency !== 'monthly') return isoOfDay(dayNumber(start) + (frequency === 'daily' ? 1 : 7))
  const date = isoNoon(start)
  date.setUTCMonth(date.getUTCMonth() + 1)
  return date.toISOString().slice(0, 10)
}

// The first day of the look-back windows, given today (ISO, London): returns whose period overlaps the
// last `days` days count. A period of length L starting on s overlaps when s >= today - (days - 1) - (L - 1).
export function windowStart(today: string, days: number, frequency: Frequency): string {
  const length = frequency === 'daily' ? 1 : frequency === 'weekly' ? 7 : 31
  const date = isoNoon(today)
  date.setUTCDate(date.getUTCDate() - (days - 1) - (length - 1))
  return date.toISOString().slice(0, 10)
}

// The figures of one return that the risk rules read: what the return_risk_figures table holds for it
// (migration 0013's trigger works out the same from the stored JSON). The latest return's own figures
// keep the return's field names, so measuresFor reads them as ReturnValues.
export type RiskFigures = {
  confirmedCases: number
  suspectedCases: number
  deaths: number
  latest: ReturnValues
}

// Whole numbers as the trigger's risk_whole reads them (a number, rounded; anything else is missing).
const whole = (values: ReturnValues, key: string) =>
  typeof values[key] === 'number' ? Math.round(values[key] as number) : null

export const riskFigureFields = [
  ...ppeItems.map(([key]) => `ppeDays${key}`),
  'staffEmployed',
  'staffAbsentCovid',
  'staffAbsentOther',
  'bedsAvailable',
  'bedsOccupied',
] as const

export function riskFigures(values: ReturnValues): RiskFigures {
  const latest: ReturnValues = {}
  for (const key of riskFigureFields) latest[key] = whole(values, key)
  latest.closedToAdmissions =
    typeof values.closedToAdmissions === 'boolean' ? values.closedToAdmissions : null
  latest.helpRequested = typeof values.helpRequested === 'string' ? values.helpRequested : null
  return {
    confirmedCases:
      (whole(values, 'confirmedCasesResidents') ?? 0) + (whole(values, 'confirmedCasesStaff') ?? 0),
    suspectedCases:
      (whole(values, 'suspectedCasesResidents') ?? 0) + (whole(values, 'suspectedCasesStaff') ?? 0),
    deaths:
      (whole(values, 'covidDeathsResidents') ?? 0) +
      (whole(values, 'otherDeathsResidents') ?? 0) +
      (whole(values, 'covidDeathsStaff') ?? 0),
    latest,
  }
}

export type ReturnFigures = {
  id: string
  periodStart: string
  frequency: Frequency
  submittedAt: Date
  figures: RiskFigures
}

// The summary of a location's returns (any order) from their risk figures, the same as the set-based
// query works it out. `newestBefore`: the newest return's period start among returns not listed (the
// listed ones need only cover the 14-day window).
export function summariseFigures(
  returns: readonly ReturnFigures[],
  today: string,
  newestBefore: string | null = null,
): ReturnSummary {
  let latest: ReturnSummary['latest'] = null
  let latestPeriodStart: string | null = newestBefore && newestBefore <= today ? newestBefore : null
  let confirmed = 0
  let suspected = 0
  let deaths = 0
  let in14 = 0
  let in7 = 0
  for (const r of returns) {
    if (r.periodStart > today) continue
    if (latestPeriodStart === null || r.periodStart > latestPeriodStart) latestPeriodStart = r.periodStart
    if (r.periodStart >= windowStart(today, 14, r.frequency)) {
      in14++
      confirmed += r.figures.confirmedCases
      suspected += r.figures.suspectedCases
      if (latest === null || r.periodStart > latest.periodStart)
        latest = {
          id: r.id,
          periodStart: r.periodStart,
          submittedAt: r.submittedAt,
          values: r.figures.latest,
        }
    }
    if (r.periodStart >= windowStart(today, 7, r.frequency)) {
      in7++
      deaths += r.figures.deaths
    }
  }
  return {
    latest,
    confirmedCases14Days: in14 ? confirmed : null,
    suspectedCases14Days: in14 ? suspected : null,
    deaths7Days: in7 ? deaths : null,
    latestPeriodStart,
  }
}

// The same from returns' whole figures (the single-location path in tests, and for checking the
// set-based query against it).
export function summariseReturns(
  returns: readonly {
    id: string
    periodStart: string
    frequency: Frequency
    submittedAt: Date
    values: ReturnValues
  }[],
  today: string,
): ReturnSummary {
  return summariseFigures(
    returns.map((r) => ({ ...r, figures: riskFigures(r.values) })),
    today,
  )
}
