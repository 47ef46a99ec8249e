import { type Db, rawEngineOf } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { AuditAction, recordAudits } from '../audit/index.ts'
import type { Importer } from './cqc-import-apply.ts'
import { storableText } from './domain/cqc-import/limits.ts'

// A save runs after the page that started it has answered, so nothing waits on it to hear how it
// went: it says so on its own record. Whatever happens to it, the import ends "saved" or "failed"
// with the reason, never an unhandled rejection that ends the process, and never "Saving" for ever
// because the process died: a save writes a heartbeat, and one whose heartbeat has stopped is failed.

// Saves running in this process (module-wide: the web's service and the command line share it).
const savingHere = new Set<string>()

export const heartbeatMs = 10_000
// Six heartbeats missed: a busy process is late by a second or two, not by a minute.
export const staleAfterMs = 60_000

export const abandonedReason = 'Not finished: the service stopped while saving; run it again.'

// Takes a previewed import for saving, in this process: false when it is not waiting to be saved
// (already saving, saved, failed or rejected), so a second click saves nothing twice.
export async function claimForSaving(db: Db, clock: Clock, id: string): Promise<boolean> {
  if (savingHere.has(id)) return false
  // Counted as running here before the claim is visible, so that no reader takes it for abandoned.
  savingHere.add(id)
  let claimed = false
  try {
    const result = await db
      .updateTable('cqcImports')
      .set({ status: 'saving', heartbeatAt: clock.now(), error: null })
      .where('id', '=', id)
      .where('status', '=', 'previewed')
      .executeTakeFirst()
    claimed = Number(result.numUpdatedRows) === 1
    return claimed
  } finally {
    if (!claimed) savingHere.delete(id)
  }
}

// Runs a claimed import's save with its heartbeat going, and lets go of it at the end.
export async function withHeartbeat<T>(db: Db, clock: Clock, id: string, work: () => Promise<T>) {
  let beating: Promise<void> | null = null
  const timer = setInterval(() => {
    if (beating) return
    // Outside the save's transaction, so that other instances see it while the save runs.
    beating = db
      .updateTable('cqcImports')
      .set({ heartbeatAt: clock.now() })
      .where('id', '=', id)
      .where('status', '=', 'saving')
      .execute()
      .then(
        () => {},
        // A missed heartbeat is made up by the next; a dead database fails the save itself.
        () => {},
      )
      .finally(() => {
        beating = null
      })
  }, heartbeatMs)
  timer.unref()
  try {
    return await work()
  } finally {
    clearInterval(timer)
    await beating
    savingHere.delete(id)
  }
}

// What the officer is told on the import's page. A database's refusal says which value it was.
export function saveFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  const fromDatabase = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
  const reason = fromDatabase ? `The database refused the save: ${message}` : message
  return storableText(reason).slice(0, 500)
}

// Marks a save failed, with its reason and an audit record, unless it has already finished.
export async function recordSaveFailure(
  db: Db,
  clock: Clock,
  id: string,
  by: Importer & { councilId: string | null },
  reason: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const failed = await trx
      .updateTable('cqcImports')
      .set({ status: 'failed', error: reason })
      .where('id', '=', id)
      .where('status', '=', 'saving')
      .executeTakeFirst()
    if (Number(failed.numUpdatedRows) !== 1) return
    await recordAudits(trx, [
      {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        councilId: by.councilId,
        action: AuditAction.importFailed,
        entityType: 'cqc-import',
        entityId: id,
        after: { error: reason },
        occurredAt: clock.now(),
      },
    ])
  })
}

// Saves left "saving" by a process that died: failed, so that they can be run again. The embedded
// database belongs to one process, so there a save not running in this process has died with an
// earlier one; on PostgreSQL another instance may be saving, and only a stopped heartbeat tells.
export async function failAbandonedSaves(db: Db, clock: Clock): Promise<number> {
  const now = clock.now()
  const embedded = rawEngineOf(db)?.engine === 'pglite'
  return db.transaction().execute(async (trx) => {
    let query = trx
      .updateTable('cqcImports')
      .set({ status: 'failed', error: abandonedReason })
      .where('status', '=', 'saving')
    if (savingHere.size > 0) query = query.where('id', 'not in', [...savingHere])
    if (!embedded) {
      const stale = new Date(now.getTime() - staleAfterMs)
      query = query.where((eb) => eb.or([eb('heartbeatAt', 'is', null), eb('heartbeatAt', '<', stale)]))
    }
    const failed = await query.returning(['id', 'organisationId', 'councilId']).execute()
    if (failed.length > 0) {
      await recordAudits(
        trx,
        failed.map((f) => ({
          actorUserId: null,
          organisationId: f.organisationId,
          councilId: f.councilId,
          action: AuditAction.importFailed,
          entityType: 'cqc-import',
          entityId: f.id,
          after: { error: abandonedReason },
          occurredAt: now,
        })),
      )
    }
    return failed.length
  })
}

export type TaskLog = { error: (details: object, message: string) => void }

// Runs work nobody awaits. Its failure is logged by kind only: a message may quote the file's values,
// and the reason is on the record for those allowed to read it.
export function inBackground(
  log: TaskLog,
  what: string,
  context: Record<string, string>,
  task: () => Promise<unknown>,
): Promise<void> {
  return Promise.resolve()
    .then(task)
    .then(
      () => {},
      (error: unknown) => {
        const kind = {
          name: error instanceof Error ? error.name : typeof error,
          code: (error as { code?: unknown } | null)?.code ?? null,
        }
        try {
          log.error({ ...context, error: kind }, what)
        } catch {
          // A logger that throws must not end the process either.
        }
      },
    )
}
