import type { ServiceType } from '../../../domain/service-types.ts'
import { writtenDate } from './written-dates.ts'

// Extracts of the national capacity tracker hold figures providers have already given. Each of our
// fields is filled from one or more tracker columns; the mapping is data, so a council can adjust it
// when the tracker's columns change. The default follows the tracker's own (lower-cased) names.
export type ColumnRule = { field: string; columns: string[]; how: 'number' | 'sum' | 'yes-no' | 'not-yes-no' }

export type TrackerMapping = {
  locationColumn: string
  // The first of these present in a row gives its date (the care home and home care extracts name it
  // differently).
  dateColumns: string[]
  rules: ColumnRule[]
  // Optional: the tracker's own red/amber/green status for the location; the first column present is
  // used. A red status raises an alert on the location's case; a later non-red status resolves it.
  statusColumns?: string[]
}

export type TrackerStatus = 'red' | 'amber' | 'green'

export const defaultTrackerMapping: TrackerMapping = {
  locationColumn: 'cqcid',
  dateColumns: ['lastupdatedbst', 'cqcsurveylastupdatedbst'],
  statusColumns: ['overallstatus', 'ragstatus'],
  rules: [
    { field: 'bedsAvailable', columns: ['maxcapacity'], how: 'number' },
    { field: 'bedsOccupied', columns: ['usedbeds'], how: 'number' },
    { field: 'closedToAdmissions', columns: ['isacceptingadmissions'], how: 'not-yes-no' },
    {
      field: 'staffEmployed',
      // The home care extract's one count of care workers beside the care home extract's three.
      columns: ['careworkersemployed', 'nursesemployed', 'noncareworkersemployed', 'cqccareworkersemployed'],
      how: 'sum',
    },
    // The home care extract (issue 17, item 3): people supported and whether more hours can be taken on.
    // Its absence count does not say why staff are absent, and its case counts are not "since the last
    // return", so neither is mapped.
    { field: 'peopleSupported', columns: ['serviceusercount'], how: 'number' },
    { field: 'capacityForNewPackages', columns: ['canprovidermorehours'], how: 'yes-no' },
    {
      field: 'staffAbsentCovid',
      columns: ['careworkersabsentcovid', 'nursesabsentcovid', 'noncareworkersabsentcovid'],
      how: 'sum',
    },
    {
      field: 'staffAbsentOther',
      columns: ['careworkersabsentgeneral', 'nursesabsentgeneral', 'noncareworkersabsentgeneral'],
      how: 'sum',
    },
    {
      field: 'agencyStaffUsed',
      columns: ['agencycareworkersemployed', 'agencynursesemployed', 'agencynoncareworkersemployed'],
      how: 'sum',
    },
  ],
}

export type TrackerRow = {
  rowNumber: number
  cqcLocationId: string | null
  date: string | null
  raw: Record<string, string>
  // The tracker's RAG status for the location, when the extract has one.
  status: TrackerStatus | null
  problems: { column: string; reason: string }[]
}

const statusWords: Record<string, TrackerStatus> = {
  red: 'red',
  r: 'red',
  amber: 'amber',
  a: 'amber',
  green: 'green',
  g: 'green',
}

const header = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '')

// Turns one extract row into raw return values (strings, as any other channel gives them) for the
// dataset parser; only columns present in the file are used, so a partial extract fills what it can.
export function mapTrackerRow(
  mapping: TrackerMapping,
  row: Record<string, string>,
  rowNumber: number,
): TrackerRow {
  const cells = new Map(Object.entries(row).map(([k, v]) => [header(k), (v ?? '').trim()]))
  const problems: TrackerRow['problems'] = []
  const raw: Record<string, string> = {}
  for (const rule of mapping.rules) {
    const present = rule.columns.filter((c) => cells.has(c) && cells.get(c) !== '')
    if (present.length === 0) continue
    if (rule.how === 'yes-no' || rule.how === 'not-yes-no') {
      const value = cells.get(present[0]!)!.toLowerCase()
      const yes = ['yes', 'y', 'true', '1'].includes(value)
      const no = ['no', 'n', 'false', '0'].includes(value)
      if (!yes && !no) problems.push({ column: present[0]!, reason: `${present[0]} must be yes or no` })
      else raw[rule.field] = (rule.how === 'yes-no' ? yes : no) ? 'yes' : 'no'
      continue
    }
    let total = 0
    for (const column of present) {
      const value = cells.get(column)!
      if (!/^\d+(\.0+)?$/.test(value))
        problems.push({ column, reason: `${column} must be a whole number, 0 or more` })
      else total += Number.parseInt(value, 10)
    }
    if (rule.how === 'number' && present.length > 1) total = Number.parseInt(cells.get(present[0]!)!, 10)
    if (!problems.some((p) => present.includes(p.column))) raw[rule.field] = String(total)
  }
  const id = cells.get(header(mapping.locationColumn)) || null
  if (!id) problems.push({ column: mapping.locationColumn, reason: `${mapping.locationColumn} is missing` })
  const dateColumn = mapping.dateColumns.find((c) => cells.get(header(c)))
  const dateText = dateColumn ? cells.get(header(dateColumn)) : undefined
  const date = dateText ? trackerDate(dateText) : null
  if (dateText && !date) problems.push({ column: dateColumn!, reason: `${dateColumn} is not a date` })
  // A row that fills none of the return's fields would count as reported with nothing in it (one with
  // the tracker's status only still gives the status).
  if (id && Object.keys(raw).length === 0 && problems.length === 0 && !hasStatus(mapping, cells))
    problems.push({
      column: mapping.locationColumn,
      reason: `The row for ${id} has none of the figures CareHub reads (${mappedColumnsInWords(mapping)})`,
    })
  let status: TrackerStatus | null = null
  const statusColumn = (mapping.statusColumns ?? []).find((c) => cells.get(header(c)))
  if (statusColumn) {
    const value = cells.get(header(statusColumn))!.toLowerCase()
    status = statusWords[value] ?? null
    if (!status)
      problems.push({ column: statusColumn, reason: `${statusColumn} must be red, amber or green` })
  }
  return { rowNumber, cqcLocationId: id, date, raw, status, problems }
}

function hasStatus(mapping: TrackerMapping, cells: Map<string, string>): boolean {
  return (mapping.statusColumns ?? []).some((c) => cells.get(header(c)))
}

function mappedColumnsInWords(mapping: TrackerMapping): string {
  const columns = mapping.rules.flatMap((r) => r.columns)
  return columns.length > 4 ? `${columns.slice(0, 4).join(', ')} and others` : columns.join(', ')
}

// The tracker writes dates as ISO or as UK day-first, with or without a time.
export function trackerDate(text: string): string | null {
  return writtenDate(text, { timeMayFollow: true })
}

// The tracker covers care homes; for other services only the staffing figures apply.
export function fieldsTheTrackerFills(mapping: TrackerMapping, serviceType: ServiceType): string[] {
  const homeOnly = new Set(['bedsAvailable', 'bedsOccupied', 'closedToAdmissions'])
  const isHome = serviceType === 'care_home_nursing' || serviceType === 'care_home_residential'
  return mapping.rules.map((r) => r.field).filter((f) => isHome || !homeOnly.has(f))
}
