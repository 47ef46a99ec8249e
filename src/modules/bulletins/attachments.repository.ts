import type { DbOrTransaction } from '../../db/database.ts'
import { attachmentSize } from './domain/attachment.ts'

// A bulletin's files, without their bytes, each with its size in words: for its pages and its mail.
export async function attachmentsOf(db: DbOrTransaction, bulletinId: string) {
  const rows = await db
    .selectFrom('bulletinAttachments')
    .select(['id', 'fileName', 'contentType', 'sizeBytes'])
    .where('bulletinId', '=', bulletinId)
    .orderBy('addedAt')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ ...r, size: attachmentSize(r.sizeBytes) }))
}

export type AttachmentSummary = Awaited<ReturnType<typeof attachmentsOf>>[number]

export async function attachmentFile(db: DbOrTransaction, bulletinId: string, attachmentId: string) {
  return db
    .selectFrom('bulletinAttachments')
    .select(['fileName', 'contentType', 'content'])
    .where('bulletinId', '=', bulletinId)
    .where('id', '=', attachmentId)
    .executeTakeFirst()
}

// The download link the mail gives (the reader signs in to follow it).
export const attachmentLink = (baseUrl: string, bulletinId: string, attachmentId: string) =>
  `${baseUrl}/bulletins/${bulletinId}/attachments/${attachmentId}`
