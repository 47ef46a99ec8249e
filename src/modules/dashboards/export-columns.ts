import { contactCategoryNames } from '../../domain/contact-categories.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import type { ContactSummary } from '../contact-log/index.ts'
import { contactDirectionNames, contactMethodNames, contactStateNames } from '../contact-log/index.ts'
import { currentStatus, statusNames } from '../directory/index.ts'
import {
  derivedMeasures,
  type ReturnValues,
  type VersionForExport,
  versionColumns,
} from '../returns/index.ts'
import type { RiskShown } from './risk-shown.ts'
import type { Column } from './table-export.ts'

// The columns of the dashboard's downloads, in plain English, the same in the CSV and the XLSX: the
// directory with each location's current status, returns, alerts and the contact log.

const serviceName = (t: string) => serviceTypeNames[t as keyof typeof serviceTypeNames] ?? t
const ragName = (rag: string | null) => (rag === 'red' ? 'Red' : rag === 'amber' ? 'Amber' : 'Green')

// As the database names them: the export skips the camel-case mapping of every row (and of every key
// inside each return's figures), which was most of its garbage.
export type ReturnExportRow = VersionForExport & {
  location_id: string
  location_name: string
  cqc_location_id: string | null
  provider_name: string
  service_type: string
  area: string | null
  council_name: string | null
}

export const returnColumns: Column<ReturnExportRow>[] = [
  ['Location name', (r) => r.location_name],
  ['CQC location ID', (r) => r.cqc_location_id],
  ['Provider name', (r) => r.provider_name],
  ['Service type', (r) => serviceName(r.service_type)],
  ['Area', (r) => r.area],
  ['Local authority', (r) => r.council_name],
  ...versionColumns,
]

export type DirectoryStatusRow = {
  id: string
  name: string
  cqcLocationId: string | null
  providerName: string
  serviceType: string
  area: string | null
  councilName: string | null
  postcode: string | null
  registeredBeds: number | null
  status: string
  dormant: boolean
  contracted: boolean
  // Read only for one who may see them (risk-shown.ts).
  rag?: string | null
  openAlerts?: number | null
  lastPeriod: string | null
  lastSubmittedAt: Date | null
  lastValues: ReturnValues | null
}

const directoryDetailColumns: Column<DirectoryStatusRow>[] = [
  ['Location name', (r) => r.name],
  ['CQC location ID', (r) => r.cqcLocationId],
  ['Provider name', (r) => r.providerName],
  ['Service type', (r) => serviceName(r.serviceType)],
  ['Area', (r) => r.area],
  ['Local authority', (r) => r.councilName],
  ['Postcode', (r) => r.postcode],
  ['Registered beds', (r) => r.registeredBeds],
  // The directory's meaning: a dormant location is not open (issue 17, item 5).
  ['Status', (r) => statusNames[currentStatus(r)]],
  ['Contracted', (r) => r.contracted],
]

const directoryReturnColumns: Column<DirectoryStatusRow>[] = [
  ['Latest return for period starting', (r) => r.lastPeriod],
  ['Latest return sent at', (r) => r.lastSubmittedAt],
  ['Lowest days of PPE', (r) => (r.lastValues ? derivedMeasures(r.lastValues).lowestPpeDays : null)],
  ['Staff absence (%)', (r) => (r.lastValues ? derivedMeasures(r.lastValues).staffAbsencePercent : null)],
  ['Vacant beds', (r) => (r.lastValues ? derivedMeasures(r.lastValues).vacantBeds : null)],
  [
    'Closed to admissions',
    (r) =>
      typeof r.lastValues?.closedToAdmissions === 'boolean'
        ? (r.lastValues.closedToAdmissions as boolean)
        : null,
  ],
]

// The directory's columns for one reader: RAG and open alerts only for one who may see them.
export function directoryColumnsFor(shown: RiskShown): Column<DirectoryStatusRow>[] {
  return [
    ...directoryDetailColumns,
    ...(shown.rag ? [['RAG', (r) => ragName(r.rag ?? null)] as Column<DirectoryStatusRow>] : []),
    ...(shown.alerts ? [['Open alerts', (r) => r.openAlerts ?? 0] as Column<DirectoryStatusRow>] : []),
    ...directoryReturnColumns,
  ]
}

export type AlertExportRow = {
  id: string
  locationName: string
  cqcLocationId: string | null
  providerName: string
  area: string | null
  severity: string
  source: string
  title: string
  message: string
  status: string
  raisedAt: Date
  resolvedAt: Date | null
  resolutionNote: string | null
  owningOrganisation: string | null
  caseStatus: string | null
}

const alertSources: Record<string, string> = {
  rule: 'Risk rule',
  capacity_tracker: 'Capacity tracker',
  intelligence: 'Partner intelligence',
}

export const alertColumns: Column<AlertExportRow>[] = [
  ['Location name', (r) => r.locationName],
  ['CQC location ID', (r) => r.cqcLocationId],
  ['Provider name', (r) => r.providerName],
  ['Area', (r) => r.area],
  ['Severity', (r) => (r.severity === 'red' ? 'Red' : 'Amber')],
  ['Source', (r) => alertSources[r.source] ?? r.source],
  ['Alert', (r) => r.title],
  ['Details', (r) => r.message],
  ['Status', (r) => (r.status === 'open' ? 'Open' : 'Resolved')],
  ['Raised at', (r) => r.raisedAt],
  ['Resolved at', (r) => r.resolvedAt],
  ['Resolution note', (r) => r.resolutionNote],
  ['Case owned by', (r) => r.owningOrganisation ?? 'Not yet owned'],
  ['Case status', (r) => r.caseStatus],
]

export const contactColumns: Column<ContactSummary>[] = [
  ['Location name', (r) => r.locationName],
  ['When', (r) => r.contactAt],
  ['Planned or done', (r) => contactStateNames[r.state]],
  ['How', (r) => contactMethodNames[r.method]],
  ['Direction', (r) => contactDirectionNames[r.direction]],
  ['About', (r) => contactCategoryNames[r.category]],
  ['Organisation', (r) => r.organisationName],
  ['Officer', (r) => r.officerName],
  ['Spoke to', (r) => r.spokeTo],
  ['Summary', (r) => r.summary],
  ['Actions agreed', (r) => r.actionsAgreed],
  ['Follow up on', (r) => r.followUpOn],
  ['Follow-up done at', (r) => r.followUpDoneAt],
  ['Council only', (r) => r.restricted],
]
