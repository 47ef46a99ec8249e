import type { Readable } from 'node:stream'
import { csvStream } from '../../domain/csv.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { xlsxStream } from '../../domain/xlsx.ts'

type ExportRow = {
  cqcLocationId: string | null
  name: string
  providerName: string
  cqcProviderId: string | null
  serviceType: string
  addressLine1: string | null
  town: string | null
  postcode: string | null
  councilName: string | null
  localAuthorityName: string | null
  area: string | null
  registeredBeds: number | null
  peopleSupported: number | null
  cqcRating: string | null
  status: string
  dormant: boolean
  contracted: boolean | 0 | 1 | null
  bcpReviewedOn: string | null
}

// Plain-English column headers, the same for CSV and XLSX.
const columns: [string, (r: ExportRow) => string | number | null][] = [
  ['CQC location ID', (r) => r.cqcLocationId],
  ['Location name', (r) => r.name],
  ['Provider name', (r) => r.providerName],
  ['CQC provider ID', (r) => r.cqcProviderId],
  ['Service type', (r) => serviceTypeNames[r.serviceType as keyof typeof serviceTypeNames] ?? r.serviceType],
  ['Address', (r) => r.addressLine1],
  ['Town', (r) => r.town],
  ['Postcode', (r) => r.postcode],
  ['Local authority', (r) => r.councilName ?? r.localAuthorityName],
  ['Area', (r) => r.area],
  ['Registered beds', (r) => r.registeredBeds],
  ['People supported', (r) => r.peopleSupported],
  ['CQC rating', (r) => r.cqcRating],
  ['Status', (r) => (r.status === 'closed' ? 'Closed' : r.dormant ? 'Dormant' : 'Open')],
  ['Contracted', (r) => (r.contracted ? 'Yes' : 'No')],
  ['Business continuity plan reviewed', (r) => r.bcpReviewedOn],
]

export const exportHeaders = columns.map(([h]) => h)

export function locationsCsv(batches: AsyncIterable<ExportRow[]>): Readable {
  return csvStream(exportHeaders, batches, (row) => columns.map(([, get]) => get(row)))
}

export function locationsXlsx(batches: AsyncIterable<ExportRow[]>): Readable {
  return xlsxStream(exportHeaders, batches, (row) => columns.map(([, get]) => get(row)), 'Locations')
}
