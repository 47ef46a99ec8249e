import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ApiTokenTable = {
  id: Generated<string>
  tokenHash: string
  tokenHint: string
  name: string
  // A care-record system's token: the provider it acts for (else null).
  providerId: string | null
  // A council's or partner's token (the read API): its organisation and its creator's role (else null).
  organisationId: string | null
  role: string | null
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
