import type { AlertSeverity } from './casework.rules.ts'

// The worklist: which cases it shows (owner, search, filters) and in what order. Pure: no I/O.

export type WorklistFilter = 'all' | 'mine' | 'organisation' | 'unowned'
export const worklistFilters: readonly WorklistFilter[] = ['all', 'mine', 'organisation', 'unowned']
export const worklistFilterNames: Record<WorklistFilter, string> = {
  all: 'All open cases',
  mine: 'Mine',
  organisation: 'My organisation’s',
  unowned: 'Unowned',
}

export function worklistFilterFrom(value: unknown): WorklistFilter {
  return (worklistFilters as readonly unknown[]).includes(value) ? (value as WorklistFilter) : 'all'
}

// 0 = red, 1 = amber, 2 = no open alert. The SQL ordering of the worklist uses the same ranks.
export function severityRank(severity: AlertSeverity | null): number {
  return severity === 'red' ? 0 : severity === 'amber' ? 1 : 2
}

export type WorklistOrderKey = {
  id: string
  severity: AlertSeverity | null
  // When the newest open alert at the case's worst severity was raised (null: no open alert).
  latestAlertAt: Date | null
  openedAt: Date
}

// Most urgent first: worst first (red, amber, none), then the newest alert at that severity (a home
// that turned red a minute ago comes before one red for a fortnight, which the team already knows
// about), then the longest waiting, then by id so the order is stable between pages.
export function compareWorklist(a: WorklistOrderKey, b: WorklistOrderKey): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (b.latestAlertAt?.getTime() ?? 0) - (a.latestAlertAt?.getTime() ?? 0) ||
    a.openedAt.getTime() - b.openedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

// The orders an officer may choose; the first is the default.
export const worklistOrders = ['urgent', 'longest-waiting', 'next-action', 'name'] as const
export type WorklistOrder = (typeof worklistOrders)[number]
export const worklistOrderNames: Record<WorklistOrder, string> = {
  urgent: 'Most urgent first (newest red alerts first)',
  'longest-waiting': 'Longest waiting first',
  'next-action': 'Next action due first',
  name: 'Location name, A to Z',
}

export const rags = ['red', 'amber', 'green'] as const
export type RagValue = (typeof rags)[number]
export const ragNames: Record<RagValue, string> = { red: 'Red', amber: 'Amber', green: 'Green' }

// What raised a case's open alerts: the kinds of alert an officer filters by.
export const alertKinds = ['rule', 'capacity_tracker', 'intelligence'] as const
export type AlertKind = (typeof alertKinds)[number]
export const alertKindNames: Record<AlertKind, string> = {
  rule: 'Risk rule',
  capacity_tracker: 'National capacity tracker',
  intelligence: 'Intelligence from a partner',
}

// The worklist's search, filters and order, as the GET form sends them. Anything unknown is ignored.
export type WorklistQuery = {
  show: WorklistFilter
  search: string
  area: string
  serviceType: string
  rag: RagValue | ''
  alertKind: AlertKind | ''
  order: WorklistOrder
}

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | '' =>
  (values as readonly unknown[]).includes(value) ? (value as T) : ''

const textOf = (value: unknown, max: number) => (typeof value === 'string' ? value.trim().slice(0, max) : '')

export function worklistQueryFrom(query: Record<string, unknown>): WorklistQuery {
  return {
    show: worklistFilterFrom(query.show),
    search: textOf(query.search, 100),
    area: textOf(query.area, 200),
    serviceType: textOf(query.serviceType, 50),
    rag: oneOf(rags, query.rag),
    alertKind: oneOf(alertKinds, query.alertKind),
    order: oneOf(worklistOrders, query.order) || 'urgent',
  }
}

// The query string of a worklist view, without its defaults, for links (pages, tabs).
export function worklistQueryString(query: WorklistQuery, change: Partial<WorklistQuery> = {}): string {
  const merged = { ...query, ...change }
  const params = new URLSearchParams()
  for (const key of ['show', 'search', 'area', 'serviceType', 'rag', 'alertKind', 'order'] as const) {
    const value = merged[key]
    if (!value || (key === 'show' && value === 'all') || (key === 'order' && value === 'urgent')) continue
    params.set(key, value)
  }
  return params.toString()
}
