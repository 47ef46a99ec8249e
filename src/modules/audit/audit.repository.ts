import type { DbOrTransaction } from '../../db/database.ts'
import type { AuditActionName } from './audit-actions.ts'

export type AuditEntry = {
  actorUserId: string | null
  organisationId: string | null
  // The council whose data changed, beside the actor's organisation: shown in that council's trail.
  councilId?: string | null
  action: AuditActionName
  entityType: string
  entityId: string | null
  before?: unknown
  after?: unknown
  occurredAt: Date
}

// One record as the row to insert: for a statement that writes the change and its record together.
export function auditRow(entry: AuditEntry, stamp: (d: Date) => string = (d) => d.toISOString()) {
  return {
    actorUserId: entry.actorUserId,
    organisationId: entry.organisationId,
    councilId: entry.councilId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(withoutSecrets(entry.before)),
    after: entry.after === undefined ? null : JSON.stringify(withoutSecrets(entry.after)),
    occurredAt: stamp(entry.occurredAt),
  }
}

// Called inside the same transaction as the change it records.
export async function recordAudit(db: DbOrTransaction, entry: AuditEntry): Promise<void> {
  await recordAudits(db, [entry])
}

// Many records at once (an import of thousands of rows), in batches, in the caller's transaction.
export async function recordAudits(db: DbOrTransaction, entries: AuditEntry[]): Promise<void> {
  // Entries of one change share one timestamp: format it once.
  const stamps = new Map<number, string>()
  const stamp = (d: Date) => {
    let text = stamps.get(d.getTime())
    if (!text) {
      text = d.toISOString()
      stamps.set(d.getTime(), text)
    }
    return text
  }
  for (let i = 0; i < entries.length; i += 1000) {
    await db
      .insertInto('auditEvents')
      .values(entries.slice(i, i + 1000).map((entry) => auditRow(entry, stamp)))
      .execute()
  }
}

const secretKeys = new Set(['passwordHash', 'password', 'tokenHash'])

// Secrets only ever appear as top-level fields of the records we audit (a user row), so a shallow
// filter is enough, and cheap when an import writes tens of thousands of records.
function withoutSecrets(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value))
    return value
  const record = value as Record<string, unknown>
  if (!Object.keys(record).some((k) => secretKeys.has(k))) return record
  return Object.fromEntries(Object.entries(record).filter(([k]) => !secretKeys.has(k)))
}
