import { pagePath, pagePathWith } from '../../web/page-path.ts'

// The enquiries' and the FAQ's pages: each pattern is its route's, and every link is built from it.
export const enquiriesPaths = {
  enquiries: pagePath('/enquiries'),
  // Logging an enquiry starts from a location, carried in the query.
  newEnquiry: pagePathWith('/enquiries/new', (locationId?: string) =>
    locationId ? `/enquiries/new?locationId=${encodeURIComponent(locationId)}` : '/enquiries/new',
  ),
  enquiryTrends: pagePath('/enquiries/trends'),
  enquiryTrendsCsv: pagePath('/enquiries/trends.csv'),
  enquirySettings: pagePath('/enquiries/settings'),
  enquiry: pagePath('/enquiries/:id'),
  respondToEnquiry: pagePath('/enquiries/:id/respond'),
  changeEnquiry: pagePath('/enquiries/:id/status'),
  enquiryToFaq: pagePath('/enquiries/:id/faq'),
  faq: pagePath('/faq'),
  faqEntry: pagePath('/faq/:id'),
  editFaqEntry: pagePath('/faq/:id/edit'),
}
