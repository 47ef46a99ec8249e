import { defineCapability } from '../../capability.ts'
import { contactLogPaths } from './contact-log.paths.ts'
import { contactLogRouteAccess } from './contact-log.route-access.ts'
import { contactNamesRetention } from './contact-log.retention.ts'
import { contactLogRoutes } from './contact-log.routes.ts'
import { createContactLogService } from './contact-log.service.ts'
import { bannerLines } from './contact-log.view-model.ts'
import { mayRecordContacts } from './domain/contact-log.rules.ts'

export { contactLogPaths } from './contact-log.paths.ts'
export type { ContactBanner, ContactLogService, ContactSummary } from './contact-log.service.ts'
export type { ContactCategory, ContactLogAlertTable, ContactLogEntryTable } from './contact-log.tables.ts'
export { bannerLines, contactLogNames } from './contact-log.view-model.ts'
// An officer's follow-ups that fell due in a window, for their e-mails and digests.
export { type FallenDueFollowUp, followUpsFallenDue } from './follow-ups-fallen-due.ts'
export {
  contactDirectionNames,
  contactMethodNames,
  contactStateNames,
  mayReadContactLog,
  mayReadRestricted,
  mayRecordContacts,
} from './domain/contact-log.rules.ts'

// Calls, e-mails and visits to providers, shared by every partner so that calls are not duplicated.
export const contactLog = defineCapability()({
  name: 'contact-log',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: contactLogRouteAccess,
  // The names of those spoken to, kept for RETENTION_CONTACT_NAMES_DAYS after the contact.
  contributes: { personalDataRetention: contactNamesRetention },
  services: ({ db, clock }) => ({ contactLog: createContactLogService({ db, clock }) }),
  routes: async (app, { contactLog }) => {
    await app.register(contactLogRoutes, { contactLog })
  },
  paths: contactLogPaths,
  // On a location's page: who contacted it lately and who is about to.
  locationPanels:
    ({ contactLog }) =>
    async (actor, locationId) => {
      const banner = await contactLog.recentForLocation(actor, locationId)
      if (!banner) return null
      const lines = bannerLines(banner, contactLog.now())
      const contactBanner = { ...lines, locationId, canRecord: mayRecordContacts(actor) }
      return { template: 'contact-log/views/banner.njk', context: { contactBanner } }
    },
  navigation: (actor) =>
    mayRecordContacts(actor)
      ? [{ href: contactLogPaths.followUps.build(), text: 'Contact log follow-ups', order: 60 }]
      : [],
})
