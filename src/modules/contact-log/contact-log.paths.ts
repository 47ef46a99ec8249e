import { pagePath, pagePathWith } from '../../web/page-path.ts'

// The contact log's pages: each pattern is its route's, and every link to the page is built from it.
export const contactLogPaths = {
  locationContactLog: pagePath('/locations/:id/contact-log'),
  // Started from another page (a case's), the form says so: the contact belongs to the case, and saving
  // it returns there.
  newContact: pagePathWith(
    '/locations/:id/contact-log/new',
    (locationId: string, from: { caseId?: string; returnTo?: string } = {}) => {
      const query = new URLSearchParams(
        Object.entries(from).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
      ).toString()
      return `/locations/${encodeURIComponent(locationId)}/contact-log/new${query ? `?${query}` : ''}`
    },
  ),
  followUps: pagePath('/contact-log/follow-ups'),
  contact: pagePath('/contact-log/:id'),
  editContact: pagePath('/contact-log/:id/edit'),
  contactFollowUpDone: pagePath('/contact-log/:id/follow-up-done'),
}
