import { defineCapability } from '../../capability.ts'
import { mayAskEnquiries, mayReadEnquiries, mayWorkEnquiries } from './domain/enquiry.rules.ts'
import { enquiriesPaths } from './enquiries.paths.ts'
import { enquiriesRouteAccess } from './enquiries.route-access.ts'
import { enquiryRoutes } from './enquiries.routes.ts'
import { createEnquiryService } from './enquiries.service.ts'
import { faqRoutes } from './faq.routes.ts'

export { type FaqForm, mayWorkEnquiries, validateFaq } from './domain/enquiry.rules.ts'
export { addWorkingDays, enquiryDueAt } from './domain/working-days.ts'
export { enquiriesPaths } from './enquiries.paths.ts'
export type { EnquiryService } from './enquiries.service.ts'
// What changed in a council's enquiries in a window, for officers' e-mails and digests.
export { type EnquiryChange, enquiryChangesSince } from './enquiry-changes.ts'
export type { EnquiryEventTable, EnquiryStatus, EnquiryTable, FaqEntryTable } from './enquiries.tables.ts'
// An FAQ entry written from elsewhere (a question asked at an event), in the caller's transaction.
export { insertFaqEntry } from './faq.repository.ts'

// Providers' questions, the council's answers and the FAQ made from them.
export const enquiries = defineCapability()({
  name: 'enquiries',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: enquiriesRouteAccess,
  services: ({ db, clock, config }) => ({
    enquiries: createEnquiryService({ db, clock, baseUrl: config.baseUrl }),
  }),
  routes: async (app, { enquiries }) => {
    await app.register(enquiryRoutes, { enquiries })
    await app.register(faqRoutes, { enquiries })
  },
  paths: enquiriesPaths,
  // On a location's page: a link to log an enquiry from it, for those who work enquiries.
  locationPanels: () => async (actor, locationId) =>
    mayWorkEnquiries(actor)
      ? {
          links: [
            { href: enquiriesPaths.newEnquiry.build(locationId), text: 'Log an enquiry from this location' },
          ],
        }
      : null,
  navigation: (actor) => [
    ...(mayReadEnquiries(actor)
      ? [{ href: enquiriesPaths.enquiries.build(), text: 'Enquiries', order: 70 }]
      : []),
    ...(mayAskEnquiries(actor)
      ? [{ href: enquiriesPaths.enquiries.build(), text: 'Ask a question', order: 71 }]
      : []),
    { href: enquiriesPaths.faq.build(), text: 'FAQ', order: 80 },
  ],
})
