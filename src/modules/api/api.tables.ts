import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ApiTokenTable = {
  id: Generated<string>
  tokenHash: string
  tokenHint: string
  name: string
  providerId: string
  createdBy: string
  createdAt: Timestamp
  lastUsedAt: Date | null
  revokedAt: Date | null
  revokedBy: string | null
}

export type IdempotencyKeyTable = {
  tokenId: string
  key: string
  requestHash: string
  statusCode: number
  response: ColumnType<unknown, string, string>
  createdAt: Timestamp
}
