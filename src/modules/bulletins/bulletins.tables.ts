import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'
import type { Audience } from './domain/audience.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type BulletinTable = {
  id: Generated<string>
  councilId: string
  title: string
  body: string
  audience: ColumnType<Audience, string, string>
  resourceItemIds: ColumnType<string[], string | undefined, string>
  // draft → sending (queued now, or resumed after a crash) → sent; or draft → scheduled → sending.
  status: 'draft' | 'scheduled' | 'sending' | 'sent'
  sendAt: Date | null
  sentAt: Date | null
  recipientCount: number | null
  createdBy: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type BulletinRecipientTable = {
  bulletinId: string
  userId: string
  providerId: string
  email: string
  readToken: string
  queuedAt: Timestamp
  resentAt: Date | null
  readAt: Date | null
  // 'carehub' (opened the page) or 'mail' (followed the link in the e-mail).
  readBy: string | null
}

// A file sent with a bulletin (migration 0030): its type was checked from its content when added.
export type BulletinAttachmentTable = {
  id: Generated<string>
  bulletinId: string
  fileName: string
  contentType: string
  sizeBytes: number
  content: Buffer
  addedBy: string | null
  addedAt: Timestamp
}

export type BulletinListTable = {
  id: Generated<string>
  councilId: string
  name: string
  providerIds: ColumnType<string[], string, string>
  createdAt: Timestamp
}

// A council's letter to people who receive care, with merge fields filled per provider.
export type LetterTemplateTable = {
  councilId: string
  body: string
  phone: string
  outOfHoursPhone: string
  updatedBy: string | null
  updatedAt: Timestamp
}

// Which providers were given the letter, and when.
export type LetterIssueTable = {
  id: Generated<string>
  councilId: string
  providerId: string
  letter: string
  issuedTo: string | null
  issuedAt: Timestamp
}

// An officer's choice: new alerts e-mailed at once, or in one digest a day.
export type DigestPreferenceTable = { userId: string; mode: 'immediate' | 'daily'; lastDigestAt: Date }
