import type { ColumnType, Generated } from 'kysely'
import type { DateOnly } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ContactCategory =
  | 'ppe'
  | 'staffing'
  | 'infection_control'
  | 'finance'
  | 'safeguarding'
  | 'guidance'
  | 'other'

export type ContactLogEntryTable = {
  id: Generated<string>
  locationId: string
  organisationId: string
  officerUserId: string
  spokeTo: string | null
  method: 'call' | 'email' | 'visit' | 'video_call' | 'meeting'
  direction: 'outgoing' | 'incoming'
  category: ContactCategory
  state: 'planned' | 'done' | 'cancelled'
  contactAt: Date
  summary: string
  actionsAgreed: string | null
  followUpOn: DateOnly | null
  followUpDoneAt: Date | null
  restricted: ColumnType<boolean, boolean | undefined, boolean>
  // The case it was logged from, whatever its date (migration 0038); null when logged elsewhere.
  caseId: ColumnType<string | null, string | null | undefined, string | null>
  createdAt: Date
  updatedAt: Date
}

export type ContactLogAlertTable = { contactId: string; alertId: string }
