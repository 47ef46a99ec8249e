import type { ColumnType, Generated } from 'kysely'
import type { Json } from '../../db/columns.ts'
import type { ContactCategory } from '../contact-log/index.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type EnquiryStatus = 'new' | 'in_progress' | 'answered' | 'closed'

export type EnquiryTable = {
  id: Generated<string>
  reference: Generated<string>
  councilId: string
  locationId: string | null
  providerId: string | null
  channel: 'web' | 'phone' | 'email'
  category: ContactCategory
  question: string
  askedByUserId: string | null
  askedByName: string | null
  status: EnquiryStatus
  ownerUserId: string | null
  response: string | null
  respondedAt: Date | null
  respondedBy: string | null
  receivedAt: Date
  dueAt: Date
  closedAt: Date | null
  updatedAt: Date
}

export type EnquiryEventTable = {
  id: Generated<string>
  enquiryId: string
  kind: string
  details: Json
  actorUserId: string | null
  occurredAt: Date
}

export type FaqEntryTable = {
  id: Generated<string>
  councilId: string
  category: string
  question: string
  answer: string
  sourceEnquiryId: string | null
  published: ColumnType<boolean, boolean | undefined, boolean>
  createdBy: string | null
  createdAt: Date
  updatedAt: Date
}

// One day's dashboard figures for one council's locations of one service type (see migration 0009).
