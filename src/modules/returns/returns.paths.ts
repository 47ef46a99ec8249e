import { pagePath, pagePathWith } from '../../web/page-path.ts'
import { nilAndExceptionPaths } from './return-exceptions.paths.ts'

// The returns' pages: each pattern is its route's, each builder its links' (templates: paths.newReturn(id)).
export const returnsPaths = {
  ...nilAndExceptionPaths,
  locationReturns: pagePath('/locations/:id/returns'),
  newReturn: pagePath('/locations/:id/returns/new'),
  checkReturn: pagePath('/locations/:id/returns/check'),
  nothingChanged: pagePath('/locations/:id/returns/nothing-changed'),
  // A return; `submitted`: just sent, so the page says so.
  situationReturn: pagePathWith('/returns/:id', (id: string, options: { submitted?: boolean } = {}) =>
    options.submitted
      ? `/returns/${encodeURIComponent(id)}?submitted=1`
      : `/returns/${encodeURIComponent(id)}`,
  ),
  amendReturn: pagePath('/returns/:id/amend'),
  // Who has reported: a frequency and a day, the list's filter and page, and what a chase just did,
  // down at the list of locations.
  completeness: pagePathWith(
    '/returns/completeness',
    (shown?: {
      frequency: string
      date: string
      status?: string
      area?: string
      page?: number
      chased?: boolean
      chaseError?: string
    }) => {
      if (!shown) return '/returns/completeness'
      const query = new URLSearchParams({ frequency: shown.frequency, date: shown.date })
      if (shown.status) query.set('status', shown.status)
      if (shown.area) query.set('area', shown.area)
      if (shown.page && shown.page > 1) query.set('page', String(shown.page))
      if (shown.chaseError !== undefined) {
        query.set('chaseError', shown.chaseError)
        return `/returns/completeness?${query}#locations`
      }
      if (shown.chased) query.set('chased', '1')
      return `/returns/completeness?${query}${shown.chased ? '#locations' : ''}`
    },
  ),
  recordChase: pagePath('/returns/completeness/chase'),
  returnsUpload: pagePath('/returns/upload'),
  // The upload template: one route per format, each named by its file type.
  returnsUploadTemplate: {
    csv: pagePath('/returns/upload/template.csv'),
    xlsx: pagePath('/returns/upload/template.xlsx'),
  },
  // Today's return for all of a provider's locations on one page (issue 19).
  multiSiteReturn: pagePathWith('/returns/all-locations', (options: { sent?: number } = {}) =>
    options.sent ? `/returns/all-locations?sent=${options.sent}` : '/returns/all-locations',
  ),
  // Capacity tracker extracts uploaded by a council's officers: the list, the upload, one import, its save.
  trackerImports: pagePath('/returns/capacity-tracker'),
  newTrackerImport: pagePath('/returns/capacity-tracker/upload'),
  trackerImport: pagePath('/returns/capacity-tracker/:id'),
  confirmTrackerImport: pagePath('/returns/capacity-tracker/:id/confirm'),
}
