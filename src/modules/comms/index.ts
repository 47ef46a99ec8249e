import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { commsPaths } from './comms.paths.ts'
import { commsRouteAccess } from './comms.route-access.ts'
import { deliveryReceiptRoutes } from './delivery-receipts.routes.ts'
import { outboxFigures } from './outbox.repository.ts'
import { outboxRoutes } from './outbox.routes.ts'
import { createOutboxService } from './outbox.service.ts'
import { sendDueEmails } from './outbox-sender.ts'

export { commsAuditActions } from './comms.audit-actions.ts'
export { commsPaths } from './comms.paths.ts'
export type { OutboxMessageTable } from './comms.tables.ts'
export type { MailMessage, MailTransport } from './mail-transports.ts'
export { fileTransport, notifyTransport, smtpTransport } from './mail-transports.ts'
export { type DeliveryCounts, deliveryCounts, failedEmails } from './delivery.repository.ts'
export { deliveryStatusWords } from './domain/delivery-receipt.ts'
export { enqueueEmail, enqueueEmailsOnce, type OutgoingEmail } from './outbox.repository.ts'
export type { OutboxService } from './outbox.service.ts'
export { type SendResult, sendDueEmails } from './outbox-sender.ts'

// E-mail through the durable outbox: queued in the sender's transaction, sent by a job.
export const comms = defineCapability()({
  name: 'comms',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: commsRouteAccess,
  services: ({ db, clock }) => ({ outbox: createOutboxService({ db, clock }) }),
  routes: async (app, { outbox, db, clock, config }) => {
    await app.register(outboxRoutes, { outbox })
    await app.register(deliveryReceiptRoutes, { db, clock, token: config.mail.notifyCallbackToken })
  },
  jobs: ({ mailTransport, clock, config }) => [
    {
      name: 'outbox',
      lockKey: 7_001,
      intervalSeconds: config.outboxIntervalSeconds,
      run: (db) => sendDueEmails(db, mailTransport, clock),
    },
  ],
  readiness: outboxFigures,
  paths: commsPaths,
  navigation: (actor) =>
    can(actor, 'outbox:read') ? [{ href: commsPaths.outbox.build(), text: 'Outbox', order: 140 }] : [],
})
