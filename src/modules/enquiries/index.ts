import { defineCapability } from '../../capability.ts'
import { mayAskEnquiries, mayReadEnquiries, mayWorkEnquiries } from '../../domain/enquiries/enquiry.rules.ts'
import { paths } from '../../web/paths.ts'
import { enquiryRoutes } from './enquiries.routes.ts'
import { createEnquiryService } from './enquiries.service.ts'

export type { EnquiryService } from './enquiries.service.ts'

// Providers' questions, the council's answers and the FAQ made from them.
export const enquiries = defineCapability()({
  name: 'enquiries',
  services: ({ db, clock, config }) => ({
    enquiries: createEnquiryService({ db, clock, baseUrl: config.baseUrl }),
  }),
  routes: async (app, { enquiries }) => {
    await app.register(enquiryRoutes, { enquiries })
  },
  // On a location's page: a link to log an enquiry from it, for those who work enquiries.
  locationPanels: () => async (actor, locationId) =>
    mayWorkEnquiries(actor)
      ? { links: [{ href: paths.newEnquiry(locationId), text: 'Log an enquiry from this location' }] }
      : null,
  navigation: (actor) => [
    ...(mayReadEnquiries(actor) ? [{ href: paths.enquiries(), text: 'Enquiries', order: 70 }] : []),
    ...(mayAskEnquiries(actor) ? [{ href: paths.enquiries(), text: 'Ask a question', order: 71 }] : []),
    { href: paths.faq(), text: 'FAQ', order: 80 },
  ],
})
