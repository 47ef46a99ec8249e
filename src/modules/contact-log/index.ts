import { defineCapability } from '../../capability.ts'
import { mayRecordContacts } from '../../domain/contact-log/contact-log.rules.ts'
import { paths } from '../../web/paths.ts'
import { bannerLines, contactLogRoutes } from './contact-log.routes.ts'
import { createContactLogService } from './contact-log.service.ts'

export { bannerLines } from './contact-log.routes.ts'
export type { ContactLogService } from './contact-log.service.ts'

// Calls, e-mails and visits to providers, shared by every partner so that calls are not duplicated.
export const contactLog = defineCapability()({
  name: 'contact-log',
  services: ({ db, clock }) => ({ contactLog: createContactLogService({ db, clock }) }),
  routes: async (app, { contactLog }) => {
    await app.register(contactLogRoutes, { contactLog })
  },
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
    mayRecordContacts(actor) ? [{ href: paths.followUps(), text: 'Contact log follow-ups', order: 60 }] : [],
})
