import { defineCapability } from '../../capability.ts'
import { mayJoinStaffingTeam, requestReasonNames } from './domain/staffing.rules.ts'
import { staffingPaths } from './emergency-staffing.paths.ts'
import { emergencyStaffingRouteAccess } from './emergency-staffing.route-access.ts'
import { staffingPoolRetention } from './staffing-pool.retention.ts'
import { staffingPoolRoutes } from './staffing-pool.routes.ts'
import { createStaffingPoolService } from './staffing-pool.service.ts'
import { createStaffingBudgetService } from './staffing-budgets.service.ts'
import { staffingRequestRoutes } from './staffing-requests.routes.ts'
import { createStaffingRequestService } from './staffing-requests.service.ts'
import { staffingTeamRoutes } from './staffing-team.routes.ts'
import { createStaffingTeamService } from './staffing-team.service.ts'

export { loadDemoStaffing } from './demo-staffing.ts'
export { matchPeople } from './domain/matching.ts'
export { mayJoinStaffingTeam, mayManageStaffing } from './domain/staffing.rules.ts'
export { staffingAuditActions } from './emergency-staffing.audit-actions.ts'
export { staffingPaths } from './emergency-staffing.paths.ts'
export { staffingPoolRetention } from './staffing-pool.retention.ts'
export type {
  StaffingBudgetTable,
  StaffingDeploymentTable,
  StaffingPoolAvailabilityTable,
  StaffingPoolCheckTable,
  StaffingPoolPersonTable,
  StaffingRequestShiftTable,
  StaffingRequestTable,
  StaffingTeamMemberTable,
} from './emergency-staffing.tables.ts'
export type { StaffingPoolService } from './staffing-pool.service.ts'
export type { StaffingRequestService } from './staffing-requests.service.ts'
export type { StaffingTeamService } from './staffing-team.service.ts'

// Emergency staffing: providers' requests for staff, the staffing pool and its checks, matching and
// deployments against a named budget.
export const emergencyStaffing = defineCapability()({
  name: 'emergency-staffing',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: emergencyStaffingRouteAccess,
  // Its pool's personal data, kept for RETENTION_STAFFING_POOL_DAYS after a person was last active.
  contributes: { personalDataRetention: staffingPoolRetention },
  services: ({ db, clock }) => ({
    staffingRequests: createStaffingRequestService({ db, clock }),
    staffingPool: createStaffingPoolService({ db, clock }),
    staffingBudgets: createStaffingBudgetService({ db, clock }),
    staffingTeam: createStaffingTeamService({ db, clock }),
  }),
  routes: async (app, { staffingRequests, staffingPool, staffingBudgets, staffingTeam }) => {
    await app.register(staffingRequestRoutes, { requests: staffingRequests, team: staffingTeam })
    await app.register(staffingPoolRoutes, { pool: staffingPool })
    await app.register(staffingTeamRoutes, { budgets: staffingBudgets, team: staffingTeam })
  },
  paths: staffingPaths,
  // On a location's page: a link to ask for staff, and its open requests.
  locationPanels:
    ({ staffingRequests }) =>
    async (actor, locationId) => {
      const panel = await staffingRequests.panelFor(actor, locationId)
      if (!panel) return null
      return {
        links: [
          { href: staffingPaths.newStaffingRequest.build(locationId), text: 'Request emergency staff' },
        ],
        template: 'emergency-staffing/views/location-panel.njk',
        context: { staffingPanel: { ...panel, reasonNames: requestReasonNames } },
      }
    },
  // On a provider's home page: its requests still open, and how many places are filled.
  homePanels:
    ({ staffingRequests }) =>
    async (actor) => {
      if (actor.role !== 'provider_manager') return null
      const open = await staffingRequests.list(actor, { status: 'open' })
      if (!open?.length) return null
      return { template: 'emergency-staffing/views/home-panel.njk', context: { staffingRequestsOpen: open } }
    },
  // Council staff who may be in the staffing team see the requests; the pool needs membership.
  navigation: (actor) =>
    mayJoinStaffingTeam(actor)
      ? [{ href: staffingPaths.staffingRequests.build(), text: 'Staffing', order: 55 }]
      : [],
  readiness: async (db) => {
    const row = await db
      .selectFrom('staffingRequests')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
    return { staffingRequestsOpen: Number(row.n) }
  },
})
