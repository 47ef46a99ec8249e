// "Who has reported", the list (issue 18): every location expected for the period with how its return
// stands, the missing ones first (they are the calls to make), then the late, then those on time, each
// group by name; filtered by that standing and by area, and shown a page at a time.

export type ReportingStatus = 'missing' | 'late' | 'on-time'
export const reportingStatuses: readonly ReportingStatus[] = ['missing', 'late', 'on-time']
export const reportingStatusNames: Record<ReportingStatus, string> = {
  missing: 'Missing',
  late: 'Late',
  'on-time': 'On time',
}

// An area filter's value for the locations with none, as the tallies name them.
export const noArea = 'Not set'

export type ReportingFilter = { status: ReportingStatus | ''; area: string }

// The filter from a query string: anything unknown means "all".
export function reportingFilter(query: { status?: unknown; area?: unknown }): ReportingFilter {
  const status = reportingStatuses.find((s) => s === query.status) ?? ''
  const area = typeof query.area === 'string' ? query.area.trim().slice(0, 200) : ''
  return { status, area }
}

// A submission's timing as the tallies count it: on time, or late whatever else it says.
export function reportingStatus(timing: string | undefined): ReportingStatus {
  if (timing === undefined) return 'missing'
  return timing === 'on-time' ? 'on-time' : 'late'
}

// `locations` come in name order; the result is the page's rows, how many match the filter, and the
// page shown: a page past the end (the last missing return just chased, say) shows the last page.
export function reportingPage<T extends { area: string | null; status: ReportingStatus }>(
  locations: readonly T[],
  filter: ReportingFilter,
  page: number,
  pageSize: number,
): { rows: T[]; total: number; page: number } {
  const rank = (s: ReportingStatus) => reportingStatuses.indexOf(s)
  const matching = locations
    .filter((l) => !filter.status || l.status === filter.status)
    .filter((l) => !filter.area || (l.area ?? noArea) === filter.area)
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l.status) - rank(b.l.status) || a.i - b.i)
    .map(({ l }) => l)
  const shown = Math.min(page, Math.max(1, Math.ceil(matching.length / pageSize)))
  const from = (shown - 1) * pageSize
  return { rows: matching.slice(from, from + pageSize), total: matching.length, page: shown }
}
