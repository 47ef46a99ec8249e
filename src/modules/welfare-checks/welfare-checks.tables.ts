import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type WelfareOutcome = 'safe' | 'needs_support' | 'referred' | 'no_contact'

export type WelfareGrantTable = {
  userId: string
  councilId: string
  grantedBy: string | null
  grantedAt: Timestamp
}

export type WelfareCancellationTable = {
  id: Generated<string>
  councilId: string
  locationId: string
  source: 'return' | 'officer'
  returnId: string | null
  visitsCancelled: number
  cancelledOn: DateOnly
  recordedBy: string | null
  recordedAt: Timestamp
}

export type WelfarePersonTable = {
  id: Generated<string>
  cancellationId: string
  councilId: string
  reference: string | null
  initials: string | null
  area: string | null
  livesAlone: ColumnType<boolean, boolean | undefined, boolean>
  needsMedication: ColumnType<boolean, boolean | undefined, boolean>
  noFamilyNearby: ColumnType<boolean, boolean | undefined, boolean>
  assignedTo: string | null
  assignedAt: Timestamp | null
  contactBy: Timestamp | null
  outcome: WelfareOutcome | null
  outcomeOn: DateOnly | null
  attempts: ColumnType<number, number | undefined, number>
  escalatedAt: Timestamp | null
  finishedAt: Timestamp | null
  personalDataRemovedAt: Timestamp | null
  createdBy: string | null
  createdAt: Timestamp
}

export type WelfareCheckOutcomeTable = {
  id: Generated<string>
  personId: string
  outcome: WelfareOutcome
  outcomeOn: DateOnly
  note: string | null
  recordedBy: string | null
  recordedAt: Timestamp
}
