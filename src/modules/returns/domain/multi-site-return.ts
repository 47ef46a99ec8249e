import type { ServiceType } from '../../../domain/service-types.ts'
import { carriedForward, currentDataset, type DatasetField, fieldsFor, type ReturnValues } from './dataset.ts'

// Today's return for many locations on one page (issue 19): one row per location, the day's key figures
// as columns. The other figures of each return are those of the location's last return, carried forward
// as "nothing changed" carries them (the counts since the last return at 0), so each row is a whole
// return, checked by the same rules as the single form. Pure: no I/O.

// A column: its heading, and the dataset fields it shows, the first that a location's return asks being
// its (a care home's residents and a home care agency's people supported share a column).
export type SiteColumn = { key: string; heading: string; fields: readonly string[] }

export const siteColumns: readonly SiteColumn[] = [
  { key: 'people', heading: 'People supported', fields: ['residents', 'peopleSupported'] },
  { key: 'bedsOccupied', heading: 'Beds occupied', fields: ['bedsOccupied'] },
  { key: 'closedToAdmissions', heading: 'Closed to admissions', fields: ['closedToAdmissions'] },
  {
    key: 'casesPeople',
    heading: 'New confirmed cases, people supported',
    fields: ['confirmedCasesResidents'],
  },
  { key: 'casesStaff', heading: 'New confirmed cases, staff', fields: ['confirmedCasesStaff'] },
  { key: 'deaths', heading: 'COVID-19 deaths, people supported', fields: ['covidDeathsResidents'] },
  { key: 'absentCovid', heading: 'Staff absent, COVID-19', fields: ['staffAbsentCovid'] },
  { key: 'absentOther', heading: 'Staff absent, other reasons', fields: ['staffAbsentOther'] },
]

// Each column's field for a location of this service type (null: its return does not ask it).
export function siteFields(serviceType: ServiceType): { column: SiteColumn; field: DatasetField | null }[] {
  const asked = new Map(fieldsFor(currentDataset, serviceType).map((f) => [f.key, f]))
  return siteColumns.map((column) => ({
    column,
    field: column.fields.map((key) => asked.get(key)).find((f) => f !== undefined) ?? null,
  }))
}

// A row's input name (and id): the location and the field.
export const siteInput = (locationId: string, field: string) => `site-${locationId}-${field}`

// A stored value as the form shows it ("yes"/"no" for yes-no fields, blank for not reported).
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

// The whole return a row stands for: the last return carried forward, any figures the capacity tracker
// already gave for this period, and what was typed in the row's columns.
export function rowReturn(
  serviceType: ServiceType,
  last: ReturnValues | null,
  imported: ReturnValues | null,
  typed: Record<string, string>,
): Record<string, unknown> {
  const carried = last ? carriedForward(currentDataset, last) : {}
  const raw: Record<string, unknown> = {}
  for (const field of fieldsFor(currentDataset, serviceType)) {
    const fromTracker = imported?.[field.key]
    raw[field.key] =
      field.key in typed
        ? typed[field.key]
        : fromTracker !== null && fromTracker !== undefined
          ? fromTracker
          : (carried[field.key] ?? null)
  }
  return raw
}
