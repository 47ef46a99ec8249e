import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type CaseStatus = 'open' | 'owned' | 'action_taken' | 'resolved'

export type CaseTable = {
  id: Generated<string>
  locationId: string
  status: CaseStatus
  owningOrganisationId: string | null
  ownerUserId: string | null
  openedAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  resolutionNote: string | null
  updatedAt: Timestamp
}

export type CaseEventTable = {
  id: Generated<string>
  caseId: string
  kind: string
  note: string | null
  details: Json
  actorUserId: string | null
  occurredAt: Date
}

export type CaseActionTable = {
  id: Generated<string>
  caseId: string
  description: string
  dueOn: DateOnly | null
  ownerUserId: string | null
  status: ColumnType<'open' | 'done', 'open' | 'done' | undefined, 'open' | 'done'>
  createdBy: string | null
  createdAt: Date
  completedBy: string | null
  completedAt: Date | null
}

export type AlertNotificationTable = { alertId: string; notifiedAt: Date; recipients: number }
