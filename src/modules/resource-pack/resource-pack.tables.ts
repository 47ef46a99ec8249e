import type { Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ResourceItemTable = {
  id: Generated<string>
  councilId: string
  category: string
  title: string
  ownerUserId: string
  // When its owner was last told its current version is due for review.
  reviewFlaggedAt: Date | null
  createdAt: Timestamp
}

export type ResourceVersionTable = {
  itemId: string
  version: number
  link: string
  summary: string
  reviewOn: DateOnly
  createdBy: string | null
  createdAt: Timestamp
}

export type CareEventTable = {
  id: Generated<string>
  councilId: string
  kind: string
  title: string
  startsAt: Date
  audience: string
  createdAt: Timestamp
}

export type CareEventSignupTable = {
  eventId: string
  userId: string
  signedUpAt: Timestamp
  attended: boolean | null
}

export type CareEventQuestionTable = {
  id: Generated<string>
  eventId: string
  question: string
  answer: string | null
  faqEntryId: string | null
  createdAt: Timestamp
}
