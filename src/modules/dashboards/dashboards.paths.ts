import { pagePath, pagePathWith } from '../../web/page-path.ts'

export type ExportFormat = 'csv' | 'xlsx'
export type ExportKind = 'directory' | 'returns' | 'alerts' | 'contacts'

// The dashboards' pages: each pattern is its route's, and every link is built from it. A download has
// one route per kind and format, each at the address its builder gives.
export const dashboardsPaths = {
  dashboard: pagePath('/dashboard'),
  dashboardLocations: pagePath('/dashboard/locations'),
  dashboardLocationsExport: pagePathWith(
    '/dashboard/locations.:format',
    (format: ExportFormat) => `/dashboard/locations.${format}`,
  ),
  dashboardExports: pagePath('/dashboard/exports'),
  dashboardExport: pagePathWith(
    '/dashboard/exports/:kind.:format',
    (kind: ExportKind, format: ExportFormat) => `/dashboard/exports/${kind}.${format}`,
  ),
  locationOverview: pagePath('/locations/:id/overview'),
  providerOverview: pagePath('/providers/:id/overview'),
}
