import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import { outboxFigures } from './outbox.repository.ts'
import { outboxRoutes } from './outbox.routes.ts'
import { createOutboxService } from './outbox.service.ts'
import { sendDueEmails } from './outbox-sender.ts'

export type { MailMessage, MailTransport } from './mail-transports.ts'
export { fileTransport, notifyTransport, smtpTransport } from './mail-transports.ts'
export { enqueueEmail } from './outbox.repository.ts'
export type { OutboxService } from './outbox.service.ts'

// E-mail through the durable outbox: queued in the sender's transaction, sent by a job.
export const comms = defineCapability()({
  name: 'comms',
  services: ({ db, clock }) => ({ outbox: createOutboxService({ db, clock }) }),
  routes: async (app, { outbox }) => {
    await app.register(outboxRoutes, { outbox })
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
  navigation: (actor) =>
    can(actor, 'outbox:read') ? [{ href: paths.admin.outbox(), text: 'Outbox', order: 140 }] : [],
})
