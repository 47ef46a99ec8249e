import { defineCapability } from '../../capability.ts'
import { mayRecordContacts } from '../../domain/contact-log/contact-log.rules.ts'
import { paths } from '../../web/paths.ts'
import { contactLogRoutes } from './contact-log.routes.ts'
import { createContactLogService } from './contact-log.service.ts'

export type { ContactLogService } from './contact-log.service.ts'

// Calls, e-mails and visits to providers, shared by every partner so that calls are not duplicated.
export const contactLog = defineCapability()({
  name: 'contact-log',
  services: ({ db, clock }) => ({ contactLog: createContactLogService({ db, clock }) }),
  routes: async (app, { contactLog }) => {
    await app.register(contactLogRoutes, { contactLog })
  },
  navigation: (actor) =>
    mayRecordContacts(actor) ? [{ href: paths.followUps(), text: 'Contact log follow-ups', order: 60 }] : [],
})
