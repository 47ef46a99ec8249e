import { defineCapability, type LocationPanel } from '../../capability.ts'
import type { Actor } from '../../domain/policy.ts'
import { can } from '../../domain/policy.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { notifyNewRedAlerts } from './alert-notifications.ts'
import { applyCapacityTrackerFlags } from './capacity-tracker-flags.ts'
import { caseworkPaths } from './casework.paths.ts'
import { caseworkRouteAccess } from './casework.route-access.ts'
import { caseworkRoutes } from './casework.routes.ts'
import { createCaseworkService } from './casework.service.ts'

// Casework's public face. Other capabilities use only what is exported here.
export { notifyNewRedAlerts, redAlertsEmailedTo } from './alert-notifications.ts'
export type { LocationCaseSummary } from './case-reads.ts'
export { caseworkPaths } from './casework.paths.ts'
export type { CaseworkService } from './casework.service.ts'
export type {
  AlertNotificationTable,
  CaseActionTable,
  CaseEventTable,
  CaseStatus,
  CaseTable,
} from './casework.tables.ts'
// The location page's panel: the location's open case, RAG and closed cases
// (casework.caseSummaryForLocation gives it `caseSummary`).
export const locationCasePanel = 'casework/views/location-case.njk'

// One case per provider in trouble: its alerts, owner, actions and the worklist.
// Other capabilities' panels on a case's page (their `casePanels`) follow its contacts.
export const casework = defineCapability<{
  contactLog: ContactLogService
  casePagePanels: (actor: Actor, locationId: string) => Promise<LocationPanel[]>
}>()({
  name: 'casework',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: caseworkRouteAccess,
  services: ({ db, clock }) => ({ casework: createCaseworkService({ db, clock }) }),
  routes: async (app, { casework, contactLog, casePagePanels }) => {
    await app.register(caseworkRoutes, {
      casework,
      casePagePanels,
      followUpsDue: (actor) => contactLog.followUpsDue(actor),
      contactsForLocation: (actor, locationId) => contactLog.listForLocation(actor, locationId),
    })
  },
  jobs: ({ clock, config }) => [
    {
      // New red alerts to their owning team: one e-mail per recipient per run, however many fired.
      name: 'red-alert-notifications',
      lockKey: 7_010,
      intervalSeconds: 60,
      run: (db) => notifyNewRedAlerts(db, clock, config.baseUrl),
    },
  ],
  paths: caseworkPaths,
  // The capacity tracker's red status as an alert on the location's case, in the import's transaction.
  contributes: { trackerStatusImported: applyCapacityTrackerFlags },
  // On a location's page: its open case and RAG, for those who may see cases.
  locationPanels:
    ({ casework }) =>
    async (actor, locationId) => {
      const caseSummary = await casework.caseSummaryForLocation(actor, locationId)
      if (!caseSummary) return null
      return { template: 'casework/views/location-case.njk', context: { caseSummary }, showsRiskStatus: true }
    },
  // Everyone who may read cases has the worklist in their menu (read only for viewers).
  navigation: (actor) =>
    can(actor, 'cases:read') ? [{ href: caseworkPaths.worklist.build(), text: 'Worklist', order: 20 }] : [],
})
