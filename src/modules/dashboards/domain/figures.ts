import { addDaysToIsoDate } from '../../../domain/dates.ts'

// The situation dashboard's figures: what each one counts, in words, and how a day's totals become
// the headline and the twelve-week trend. Pure: the totals come from the database (per location for
// one council, from the daily rollup for the whole market), the words and arithmetic live here.

// A day's totals for one group of locations (a service type, usually). Every count is over the
// locations expected to report on that day: open on the first day of the period containing it.
export type DayTotals = {
  day: string
  serviceType: string
  expected: number
  reported: number
  onTime: number
  ppeRed: number
  outbreak: number
  closedToAdmissions: number
  staffAbsent: number
  staffEmployed: number
  bedsAvailable: number
  vacantBeds: number
  cases7d: number
  deaths7d: number
  // How old the state figures are: locations whose latest return in the window is for an earlier period
  // than the day's, the oldest of those (days from its period's start to the day), and locations with
  // none in the window. The rest of the expected locations reported for the day itself.
  figuresEarlier: number
  figuresOldestDays: number
  figuresNone: number
}

// The state figures (PPE, staff, beds, closed to admissions) take each location's latest return whose
// period began on or before the day and within these days of it (the day included), so the picture
// does not empty each morning until homes report. "Reported" stays about the day's own period, and the
// flows (cases, deaths) about their own windows.
export const stateWindowDays = { daily: 3, weekly: 10, monthly: 35 } as const

export const emptyTotals = (day: string, serviceType: string): DayTotals => ({
  day,
  serviceType,
  expected: 0,
  reported: 0,
  onTime: 0,
  ppeRed: 0,
  outbreak: 0,
  closedToAdmissions: 0,
  staffAbsent: 0,
  staffEmployed: 0,
  bedsAvailable: 0,
  vacantBeds: 0,
  cases7d: 0,
  deaths7d: 0,
  figuresEarlier: 0,
  figuresOldestDays: 0,
  figuresNone: 0,
})

// The lists a headline figure links to. Each is a predicate over one location on the chosen day.
export const figureKeys = [
  'expected',
  'reported',
  'missing',
  'red',
  'amber',
  'green',
  'outbreak',
  'ppe-red',
  'closed-to-admissions',
  'vacancies',
  'deaths',
  'absence',
  'open-alerts',
] as const
export type FigureKey = (typeof figureKeys)[number]

export const figureTitles: Record<FigureKey, string> = {
  expected: 'Locations expected to report',
  reported: 'Locations that reported',
  missing: 'Locations that have not reported',
  red: 'Locations at red',
  amber: 'Locations at amber',
  green: 'Locations at green',
  outbreak: 'Locations in outbreak',
  'ppe-red': 'Locations with under 3 days of PPE',
  'closed-to-admissions': 'Care homes closed to admissions',
  vacancies: 'Locations with vacant beds',
  deaths: 'Locations reporting deaths in the last 7 days',
  absence: 'Locations reporting staff absent',
  'open-alerts': 'Locations with open alerts',
}

export function isFigureKey(value: string): value is FigureKey {
  return (figureKeys as readonly string[]).includes(value)
}

// The default outbreak rule, shared with early warning: any new confirmed case (people supported or
// staff) in the 14 days to the day, or two or more suspected cases in those days.
export const outbreakWindowDays = 14
export const outbreakSuspectedThreshold = 2
export const ppeRedBelowDays = 3
export const deathsWindowDays = 7
export const trendWeeks = 12

export function isInOutbreak(confirmed14d: number, suspected14d: number): boolean {
  return confirmed14d > 0 || suspected14d >= outbreakSuspectedThreshold
}

export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null
}

export function sumTotals(day: string, rows: readonly DayTotals[]): DayTotals {
  const total = emptyTotals(day, 'all')
  for (const r of rows) {
    if (r.day !== day) continue
    for (const key of Object.keys(total) as (keyof DayTotals)[]) {
      if (key === 'day' || key === 'serviceType') continue
      if (key === 'figuresOldestDays') total[key] = Math.max(total[key], Number(r[key]))
      else (total[key] as number) += Number(r[key])
    }
  }
  return total
}

export type RagCounts = { red: number; amber: number; green: number; open: number }
export type AlertsByOrganisation = { organisationId: string | null; name: string; open: number }[]

export type Headline = {
  day: string
  expected: number
  reported: number
  percentReported: number | null
  onTime: number
  // Null for one who may not see a location's RAG, or its alerts (src/modules/dashboards/risk-shown.ts).
  rag: RagCounts | null
  outbreak: number
  ppeRed: number
  staffAbsent: number
  staffEmployed: number
  absenceRate: number | null
  vacantBeds: number
  bedsAvailable: number
  bedsByServiceType: { serviceType: string; bedsAvailable: number; vacantBeds: number }[]
  closedToAdmissions: number
  deaths7d: number
  cases7d: number
  openAlerts: AlertsByOrganisation | null
  openAlertsTotal: number | null
  figuresAge: FiguresAge
}

// How old the state figures are, for the page to say.
export type FiguresAge = {
  fromTheDay: number
  earlier: number
  oldestDays: number
  noReturn: number // expected, with no return in the window ("none" is a word of the templates)
  window: string
}

// The window in words, for the frequencies present ("the last 3 days" for daily reporters).
export function windowWords(): string {
  const { daily, weekly, monthly } = stateWindowDays
  return `the last ${daily} days for daily returns, ${weekly} for weekly and ${monthly} for monthly`
}

export function headline(
  day: string,
  rows: readonly DayTotals[],
  rag: RagCounts | null,
  openAlerts: AlertsByOrganisation | null,
): Headline {
  const t = sumTotals(day, rows)
  const byType = new Map<string, { bedsAvailable: number; vacantBeds: number }>()
  for (const r of rows) {
    if (r.day !== day || Number(r.bedsAvailable) === 0) continue
    const entry = byType.get(r.serviceType) ?? { bedsAvailable: 0, vacantBeds: 0 }
    entry.bedsAvailable += Number(r.bedsAvailable)
    entry.vacantBeds += Number(r.vacantBeds)
    byType.set(r.serviceType, entry)
  }
  return {
    day,
    expected: t.expected,
    reported: t.reported,
    percentReported: percent(t.reported, t.expected),
    onTime: t.onTime,
    rag,
    outbreak: t.outbreak,
    ppeRed: t.ppeRed,
    staffAbsent: t.staffAbsent,
    staffEmployed: t.staffEmployed,
    absenceRate: percent(t.staffAbsent, t.staffEmployed),
    vacantBeds: t.vacantBeds,
    bedsAvailable: t.bedsAvailable,
    bedsByServiceType: [...byType.entries()]
      .map(([serviceType, v]) => ({ serviceType, ...v }))
      .sort((a, b) => a.serviceType.localeCompare(b.serviceType)),
    closedToAdmissions: t.closedToAdmissions,
    deaths7d: t.deaths7d,
    cases7d: t.cases7d,
    openAlerts,
    openAlertsTotal: openAlerts ? openAlerts.reduce((n, o) => n + o.open, 0) : null,
    figuresAge: {
      fromTheDay: t.reported,
      earlier: t.figuresEarlier,
      oldestDays: t.figuresOldestDays,
      noReturn: t.figuresNone,
      window: windowWords(),
    },
  }
}

// The days a trend is drawn at: the chosen day and the same weekday in each of the 11 weeks before,
// oldest first. Flows (cases, deaths) are the 7 days to each point, so the points do not overlap.
export function trendDays(day: string, weeks = trendWeeks): string[] {
  return Array.from({ length: weeks }, (_, i) => addDaysToIsoDate(day, -7 * (weeks - 1 - i)))
}

export type TrendKey = 'cases' | 'deaths' | 'ppeRed' | 'absence' | 'vacancies' | 'completeness'

export type Trend = {
  key: TrendKey
  title: string
  unit: string
  description: string
  points: { day: string; value: number | null; partial: boolean }[]
}

// `today`: a point on today is partial, its day's reporting not over.
export function trends(days: readonly string[], rows: readonly DayTotals[], today?: string): Trend[] {
  const totals = days.map((d) => sumTotals(d, rows))
  const series = (get: (t: DayTotals) => number | null) =>
    totals.map((t) => ({ day: t.day, value: get(t), partial: t.day === today }))
  return [
    {
      key: 'cases',
      title: 'New confirmed COVID-19 cases',
      unit: 'cases',
      description: 'New confirmed cases among people supported and staff in the 7 days to each date',
      points: series((t) => t.cases7d),
    },
    {
      key: 'deaths',
      title: 'Deaths',
      unit: 'deaths',
      description:
        'Deaths of people supported (COVID-19 and other causes) and staff deaths from COVID-19, in returns for the 7 days to each date',
      points: series((t) => t.deaths7d),
    },
    {
      key: 'ppeRed',
      title: 'Locations with under 3 days of PPE',
      unit: 'locations',
      description:
        'Locations whose latest return (in the window to each date) had under 3 days of any PPE item',
      points: series((t) => t.ppeRed),
    },
    {
      key: 'absence',
      title: 'Staff absence rate',
      unit: '%',
      description:
        'Staff absent for any reason as a share of staff employed, in each location’s latest return in the window to each date',
      points: series((t) => percent(t.staffAbsent, t.staffEmployed)),
    },
    {
      key: 'vacancies',
      title: 'Vacant beds',
      unit: 'beds',
      description:
        'Beds that can be used but are not occupied, in each location’s latest return in the window to each date',
      points: series((t) => t.vacantBeds),
    },
    {
      key: 'completeness',
      title: 'Returns received',
      unit: '%',
      description: 'Share of the locations expected to report that day that did',
      points: series((t) => percent(t.reported, t.expected)),
    },
  ]
}
