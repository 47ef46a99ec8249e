import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
// Money is whole pence in bigint columns: read back as text by PostgreSQL, so always through Number().
export type Pence = ColumnType<string, number | string, number | string>

export type CommissionedPackageTable = {
  id: Generated<string>
  councilId: string
  providerId: string
  locationId: string | null
  reference: string
  serviceType: string
  funder: string
  beds: number | null
  weeklyRatePence: ColumnType<string | null, number | string | null, number | string | null>
  hourlyRatePence: ColumnType<string | null, number | string | null, number | string | null>
  plannedHoursHundredths: number | null
  startsOn: DateOnly
  endsOn: ColumnType<string | null, string | null, string | null>
  inArea: boolean
  dischargePathway: boolean
  createdBy: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type DeliveredHoursTable = {
  packageId: string
  weekStarting: DateOnly
  hoursHundredths: number
  recordedAt: Timestamp
}

export type VoidBedTable = {
  id: Generated<string>
  packageId: string
  beds: number
  startsOn: DateOnly
  endsOn: DateOnly
  recordedBy: string | null
  recordedAt: Timestamp
}

export type PaymentSchemeTable = {
  id: Generated<string>
  councilId: string
  name: string
  kind: string
  startsOn: DateOnly
  endsOn: DateOnly
  percentBasisPoints: number | null
  averageWeeks: number | null
  amountPence: ColumnType<string | null, number | string | null, number | string | null>
  serviceTypes: Json
  contractedOnly: boolean
  area: string
  funder: string
  // void_beds: 'returns' (the returns' occupancy) or 'list' (void beds uploaded); migration 0028.
  voidBedsFrom: ColumnType<string, string | undefined, string>
  createdBy: string | null
  createdAt: Timestamp
}

export type PaymentImportTable = {
  id: Generated<string>
  councilId: string
  kind: 'packages' | 'delivered_hours' | 'void_beds'
  fileName: string
  rows: Json
  problems: Json
  rowCount: number
  status: 'previewed' | 'saved'
  createdBy: string
  createdAt: Timestamp
  savedAt: Timestamp | null
}

export type PaymentRunTable = {
  id: Generated<string>
  councilId: string
  reference: string
  kind: 'standard' | 'adjusting'
  adjustsRunId: string | null
  periodStart: DateOnly
  periodEnd: DateOnly
  status: 'prepared' | 'approved'
  preparedBy: string
  preparedAt: Timestamp
  approvedBy: string | null
  approvedAt: Timestamp | null
  totalPence: Pence
  heldPence: Pence
}

export type PaymentLineTable = {
  id: Generated<string>
  runId: string
  providerId: string
  locationId: string | null
  packageId: string | null
  schemeId: string | null
  correctsLineId: string | null
  serviceType: string
  contracted: boolean
  amountPence: Pence
  explanation: string
  held: Generated<boolean>
  holdReason: string | null
  paidOn: ColumnType<string | null, string | null | undefined, string | null>
}

export type SupportWordingTable = {
  councilId: string
  contracted: boolean
  category: string
  wording: string
  updatedBy: string | null
  updatedAt: Timestamp
}
