import { pagePath } from '../../web/page-path.ts'

// The bulletins' pages: each pattern is its route's, and every link is built from it.
export const bulletinsPaths = {
  bulletins: pagePath('/bulletins'),
  newBulletin: pagePath('/bulletins/new'),
  bulletin: pagePath('/bulletins/:id'),
  checkBulletin: pagePath('/bulletins/:id/check'),
  sendBulletin: pagePath('/bulletins/:id/send'),
  resendBulletin: pagePath('/bulletins/:id/resend'),
  saveBulletinList: pagePath('/bulletins/:id/list'),
  bulletinReadLink: pagePath('/bulletins/read/:token'),
  bulletinAttachments: pagePath('/bulletins/:id/attachments'),
  bulletinAttachment: pagePath('/bulletins/:id/attachments/:attachmentId'),
  removeBulletinAttachment: pagePath('/bulletins/:id/attachments/:attachmentId/remove'),
  letters: pagePath('/letters'),
  letterDocx: pagePath('/letters/:providerId/letter.docx'),
  letterPdf: pagePath('/letters/:providerId/letter.pdf'),
  digestSettings: pagePath('/digests'),
}
