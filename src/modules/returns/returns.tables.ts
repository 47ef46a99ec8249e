import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ReturnTemplateTable = {
  serviceType: string
  frequency: 'daily' | 'weekly' | 'monthly'
  opensAfterHours: number
  dueAfterHours: number
  locksAfterHours: number
  updatedAt: Timestamp
}

export type ReturnExceptionTable = {
  locationId: string
  extraHours: number
  reason: string
  createdBy: string | null
  createdAt: Timestamp
}

export type SituationReturnTable = {
  id: Generated<string>
  locationId: string
  frequency: string
  periodStart: DateOnly
  version: number
  isCurrent: boolean
  datasetVersion: number
  values: ColumnType<Record<string, number | boolean | string | null>, string, string>
  nilReturn: boolean
  nothingChanged: boolean
  source: 'web' | 'officer' | 'upload' | 'api' | 'import'
  timing: string
  submittedBy: string | null
  submittedAt: Date
  amendmentReason: string | null
}

export type ReturnReminderTable = {
  locationId: string
  periodStart: DateOnly
  sentAt: Date
  recipients: number
}

export type ReturnChaseTable = {
  id: Generated<string>
  locationId: string
  periodStart: DateOnly
  note: string
  recordedBy: string
  recordedAt: Date
}
