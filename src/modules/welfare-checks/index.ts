import { defineCapability } from '../../capability.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { mayGrantWelfare, mayWorkWelfare } from './domain/welfare.rules.ts'
import { welfarePaths } from './welfare-checks.paths.ts'
import { welfareChecksRouteAccess } from './welfare-checks.route-access.ts'
import { welfareRoutes } from './welfare-checks.routes.ts'
import { createWelfareService } from './welfare-checks.service.ts'
import { runWelfareJob, welfareOnReturnSave, welfareRetention } from './welfare-jobs.ts'

export { welfarePaths } from './welfare-checks.paths.ts'
export type { WelfareService } from './welfare-checks.service.ts'
export type {
  WelfareCancellationTable,
  WelfareCheckOutcomeTable,
  WelfareGrantTable,
  WelfarePersonTable,
} from './welfare-checks.tables.ts'
export { loadDemoWelfare } from './welfare-demo.ts'
export { escalateOverdueChecks, welfareRetention } from './welfare-jobs.ts'

// The welfare job, for the scheduler and for a test that runs it at a time of its choosing.
export const welfareJob = (clock: Clock, baseUrl = '') => ({
  name: 'welfare-checks',
  lockKey: 7_021,
  intervalSeconds: 300,
  run: (db: Db) => runWelfareJob(db, clock, baseUrl),
})

// Welfare checks for people whose home-care visits were cancelled: the lists, the checks, their
// escalation and the removal of their personal data after the retention period.
export const welfareChecks = defineCapability()({
  name: 'welfare-checks',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: welfareChecksRouteAccess,
  services: ({ db, clock }) => ({ welfare: createWelfareService({ db, clock }) }),
  routes: async (app, { welfare, config }) => {
    await app.register(welfareRoutes, { welfare, retentionDays: config.retention.welfareDays })
  },
  jobs: ({ clock, config }) => [welfareJob(clock, config.baseUrl)],
  paths: welfarePaths,
  contributes: { returnSaved: welfareOnReturnSave, personalDataRetention: welfareRetention },
  // On a home-care location's page, for those with welfare access: its cancellations and a way to record more.
  locationPanels:
    ({ welfare }) =>
    async (actor, locationId) => {
      if (!mayWorkWelfare(actor, true)) return null
      const welfareAtLocation = await welfare.forLocation(actor, locationId)
      if (!welfareAtLocation) return null
      return { template: 'welfare-checks/views/location-welfare.njk', context: { welfareAtLocation } }
    },
  // On the home page of those holding the grant (the navigation cannot know who holds it): the checks
  // open and escalated, at the top while any is escalated.
  homePanels:
    ({ welfare }) =>
    async (actor) => {
      const welfareSummary = await welfare.summary(actor)
      if (!welfareSummary) return null
      return {
        template: 'welfare-checks/views/home-welfare.njk',
        context: { welfareSummary },
        atTop: welfareSummary.escalated > 0,
      }
    },
  navigation: (actor) =>
    mayGrantWelfare(actor)
      ? [{ href: welfarePaths.welfareAccess.build(), text: 'Welfare access', order: 125 }]
      : [],
})
