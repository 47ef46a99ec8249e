import type { Generated } from 'kysely'
import type { Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type AuditEventTable = {
  id: Generated<string>
  occurredAt: Timestamp
  actorUserId: string | null
  organisationId: string | null
  // The council whose data changed, beside the actor's organisation (set by CQC imports).
  councilId: Generated<string | null>
  action: string
  entityType: string
  entityId: string | null
  before: Json
  after: Json
}
