import type { Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type OutboxMessageTable = {
  id: Generated<string>
  createdAt: Timestamp
  kind: string
  toAddress: string
  subject: string
  body: string
  status: Generated<string>
  attempts: Generated<number>
  nextAttemptAt: Timestamp
  lastError: string | null
  sentAt: Date | null
  // What the message is (a bulletin to one user), when it must be queued once only (migration 0023).
  dedupeKey: string | null
  // What the mail service said became of it after sending (Notify's delivery receipt, migration 0030):
  // 'delivered', 'permanent-failure' (a bounce), 'temporary-failure' or 'technical-failure'.
  deliveryStatus: string | null
  deliveryDetail: string | null
  deliveryUpdatedAt: Date | null
  notifyId: string | null
}
