import { defineCapability } from '../../capability.ts'
import { londonDate } from '../../domain/dates.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import type { EnquiryService } from '../enquiries/index.ts'
import type { PublishingService } from '../publishing/index.ts'
import { dashboardRoutes } from './dashboard.routes.ts'
import { createDashboardService, maySeeDashboard } from './dashboard.service.ts'
import { dashboardsPaths } from './dashboards.paths.ts'
import { dashboardsRouteAccess } from './dashboards.route-access.ts'
import { trendDays } from './domain/figures.ts'
import { createDashboardExportService } from './exports.service.ts'
import { compactKeptCounts } from './kept-counts.repository.ts'
import { publicDashboard } from './public-dashboard.publication.ts'
import { fillExportCells } from './returns-csv-cells.ts'
import { staleDaysOnReturnSave } from './return-save-hook.ts'
import { ensureRollup } from './rollup.repository.ts'

export { dashboardsPaths } from './dashboards.paths.ts'
export type {
  DashboardCouncilDailyTable,
  DashboardDailyTable,
  DashboardNationalDailyTable,
} from './dashboards.tables.ts'
export { buildPublicDashboard, publicDashboardKind } from './public-dashboard.publication.ts'

// Today's picture of the market, trends, a single view of each provider, and exports.
export const dashboards = defineCapability<{
  contactLog: ContactLogService
  enquiries: EnquiryService
  publishing: PublishingService
}>()({
  name: 'dashboards',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: dashboardsRouteAccess,
  services: ({ db, clock, contactLog, publishing }) => {
    // Its public view is published through publishing's workflow (check, sign-off, versions).
    publishing.registerKind(publicDashboard)
    return {
      dashboards: createDashboardService({ db, clock }),
      dashboardExports: createDashboardExportService({ db, contactLog, clock }),
    }
  },
  routes: async (app, { dashboards, dashboardExports, contactLog, enquiries }) => {
    await app.register(dashboardRoutes, { dashboards, exports: dashboardExports, contactLog, enquiries })
  },
  jobs: ({ clock }) => [
    {
      // The dashboard's rollups for today's 12 trend days: built before the first visitor, and the
      // councils that saved returns since rebuilt, so a page view rarely has to.
      name: 'dashboard-rollup',
      lockKey: 7_006,
      intervalSeconds: 60,
      run: (db) => ensureRollup(db, trendDays(londonDate(clock.now()))),
    },
    {
      // The national "now" counts are kept as rows of changes (migration 0041): folded into one row per
      // key, so reading them stays a sum over a few rows.
      name: 'dashboard-counts-compact',
      lockKey: 7_040,
      intervalSeconds: 60,
      run: (db) => compactKeptCounts(db),
    },
    {
      // Returns saved before their cells of the returns CSV were kept (migration 0047) get them.
      name: 'export-cells',
      lockKey: 7_047,
      intervalSeconds: 60,
      run: (db) => fillExportCells(db),
    },
  ],
  paths: dashboardsPaths,
  contributes: { returnSaved: staleDaysOnReturnSave },
  navigation: (actor) =>
    maySeeDashboard(actor) ? [{ href: dashboardsPaths.dashboard.build(), text: 'Dashboard', order: 30 }] : [],
})
