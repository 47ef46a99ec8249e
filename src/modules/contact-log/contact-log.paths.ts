import { pagePath } from '../../web/page-path.ts'

// The contact log's pages: each pattern is its route's, and every link to the page is built from it.
export const contactLogPaths = {
  locationContactLog: pagePath('/locations/:id/contact-log'),
  newContact: pagePath('/locations/:id/contact-log/new'),
  followUps: pagePath('/contact-log/follow-ups'),
  contact: pagePath('/contact-log/:id'),
  editContact: pagePath('/contact-log/:id/edit'),
  contactFollowUpDone: pagePath('/contact-log/:id/follow-up-done'),
}
