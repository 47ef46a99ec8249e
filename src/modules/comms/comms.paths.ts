import { pagePath } from '../../web/page-path.ts'

// The outbox's pages (templates: paths.outbox(), paths.retryEmail(id)).
export const commsPaths = {
  outbox: pagePath('/admin/outbox'),
  retryEmail: pagePath('/admin/outbox/:id/retry'),
  deliveryReceipts: pagePath('/api/notify/delivery-receipts'),
}
