import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { attachmentFile, attachmentsOf } from './attachments.repository.ts'
import { bulletinsAuditActions as actions } from './bulletins.audit-actions.ts'
import { findBulletin, recipientOf } from './bulletins.repository.ts'
import { sendingCouncil } from './bulletins.service.ts'
import { attachmentsPerBulletin, checkAttachment } from './domain/attachment.ts'

export type AttachmentService = ReturnType<typeof createAttachmentService>

// Files sent with a bulletin: added and removed by its council's officers while it is a draft, and
// downloaded by them and by those it was sent to, nobody else (anyone else is told it does not exist).
export function createAttachmentService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The draft an officer may change, or null.
  async function ownDraft(actor: Actor, bulletinId: string) {
    const council = sendingCouncil(actor)
    if (!council || !isUuid(bulletinId)) return null
    const bulletin = await findBulletin(db, bulletinId, [council])
    return bulletin ? { bulletin, council } : null
  }

  // Null: no such draft for this officer. Otherwise the error to show, or none.
  async function add(
    actor: Actor,
    bulletinId: string,
    file: { fileName: string; content: Buffer } | null,
    problem: 'no-file' | 'too-large' | null,
  ): Promise<{ error: string | null } | null> {
    const found = await ownDraft(actor, bulletinId)
    if (!found) return null
    if (found.bulletin.status !== 'draft') return { error: 'Files cannot be added once a bulletin is sent' }
    if (problem === 'too-large') return { error: 'The selected file must be smaller than 5 MB' }
    if (!file) return { error: 'Select a file to attach' }
    const checked = checkAttachment(file.fileName, file.content)
    if (!checked.ok) return { error: checked.error }
    if ((await attachmentsOf(db, bulletinId)).length >= attachmentsPerBulletin)
      return { error: `A bulletin can have at most ${attachmentsPerBulletin} files` }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('bulletinAttachments')
        .values({
          bulletinId,
          fileName: checked.value.fileName,
          contentType: checked.value.contentType,
          sizeBytes: file.content.length,
          // A copy: the upload's bytes live in shared memory that is reused.
          content: Buffer.from(file.content),
          addedBy: actor.userId,
          addedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.council,
        action: actions.bulletinFileAttached,
        entityType: 'bulletin',
        entityId: bulletinId,
        after: { attachmentId: row.id, fileName: checked.value.fileName, bytes: file.content.length },
        occurredAt: now,
      })
    })
    return { error: null }
  }

  async function remove(actor: Actor, bulletinId: string, attachmentId: string): Promise<boolean> {
    const found = await ownDraft(actor, bulletinId)
    if (found?.bulletin.status !== 'draft' || !isUuid(attachmentId)) return false
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('bulletinAttachments')
        .where('id', '=', attachmentId)
        .where('bulletinId', '=', bulletinId)
        .returning('fileName')
        .executeTakeFirst()
      if (!removed) return false
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: found.council,
        action: actions.bulletinFileRemoved,
        entityType: 'bulletin',
        entityId: bulletinId,
        before: { attachmentId, fileName: removed.fileName },
        occurredAt: now,
      })
      return true
    })
  }

  // Whether this actor may see the bulletin: its council's officer, or one of those it was sent to.
  async function maySee(actor: Actor, bulletinId: string): Promise<boolean> {
    if (!isUuid(bulletinId)) return false
    const council = sendingCouncil(actor)
    if (council) return Boolean(await findBulletin(db, bulletinId, [council]))
    if (!can(actor, 'communications:read')) return false
    return Boolean(await recipientOf(db, bulletinId, actor.userId))
  }

  async function download(actor: Actor, bulletinId: string, attachmentId: string) {
    if (!isUuid(attachmentId) || !(await maySee(actor, bulletinId))) return null
    return (await attachmentFile(db, bulletinId, attachmentId)) ?? null
  }

  return { add, remove, download }
}
