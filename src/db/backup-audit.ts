import type { Clock } from '../domain/clock.ts'
import { type AuditActionName, auditActions, auditRow } from '../modules/audit/index.ts'
import type { Db } from './database.ts'

// Backups, restores and the move to PostgreSQL in the audit trail, as done by the command: no one
// signed in, and no organisation (the install's whole database). The file's name only, never its
// folder or anything it holds.
export const backupAuditActions = auditActions({
  databaseBackedUp: 'database-backed-up',
  databaseRestored: 'database-restored',
  databaseMovedToPostgres: 'database-moved-to-postgres',
})

export async function recordDatabaseEvent(
  db: Db,
  action: AuditActionName,
  after: Record<string, unknown>,
  clock: Clock,
) {
  // Without council_id: a backup made before migration 0016 restores an audit table without it.
  const { councilId: _, ...row } = auditRow({
    actorUserId: null,
    organisationId: null,
    action,
    entityType: 'database',
    entityId: null,
    after: { ...after, by: 'command' },
    occurredAt: clock.now(),
  })
  await db.insertInto('auditEvents').values(row).execute()
}
