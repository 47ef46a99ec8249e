import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'
import type { FindingResult, VisitState } from './domain/ipc.rules.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type IpcChecklistItemTable = {
  id: Generated<string>
  councilId: string
  label: string
  position: number
  active: ColumnType<boolean, boolean | undefined, boolean>
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type IpcVisitTable = {
  id: Generated<string>
  councilId: string
  locationId: string
  organisationId: string
  plannedByUserId: string
  visitOn: DateOnly
  purpose: string
  state: VisitState
  contactId: string | null
  followUpOfVisitId: string | null
  summary: string | null
  recordedByUserId: string | null
  recordedAt: Timestamp | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type IpcVisitFindingTable = {
  visitId: string
  checklistItemId: string
  label: string
  result: FindingResult
  note: string | null
}

export type IpcVisitActionTable = {
  id: Generated<string>
  visitId: string
  description: string
  dueOn: DateOnly
  doneAt: Timestamp | null
  doneByUserId: string | null
}
