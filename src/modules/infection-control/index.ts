import { defineCapability, type LocationPanels } from '../../capability.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { mayReadVisits } from './domain/ipc.rules.ts'
import { ipcPaths } from './infection-control.paths.ts'
import { infectionControlRouteAccess } from './infection-control.route-access.ts'
import { ipcRoutes } from './infection-control.routes.ts'
import { createIpcService, type IpcService } from './infection-control.service.ts'

export { loadDemoIpcVisits } from './demo-ipc-visits.ts'
export { mayReadVisits, mayRecordVisits } from './domain/ipc.rules.ts'
export { ipcAuditActions } from './infection-control.audit-actions.ts'
export { ipcPaths } from './infection-control.paths.ts'
export type { IpcService } from './infection-control.service.ts'
export type {
  IpcChecklistItemTable,
  IpcVisitActionTable,
  IpcVisitFindingTable,
  IpcVisitTable,
} from './infection-control.tables.ts'

// The same panel on a location's page and its case's: visits planned, done lately, actions outstanding.
const visitsPanel =
  (ipc: IpcService): LocationPanels =>
  async (actor, locationId) => {
    if (!mayReadVisits(actor)) return null
    const found = await ipc.list(actor, { locationId })
    if (!found) return null
    return {
      template: 'infection-control/views/location-panel.njk',
      context: {
        ipcPanel: {
          locationId,
          planned: found.planned,
          done: found.done.slice(0, 3),
          mayRecord: found.mayRecord,
        },
      },
    }
  }

// Infection-control visits by the IPC team: planned (in the shared contact log), done with findings
// against the council's checklist, actions with due dates and follow-up visits.
export const infectionControl = defineCapability<{ contactLog: ContactLogService }>()({
  name: 'infection-control',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: infectionControlRouteAccess,
  services: ({ db, clock, contactLog }) => ({ ipc: createIpcService({ db, clock, contactLog }) }),
  routes: async (app, { ipc }) => {
    await app.register(ipcRoutes, { ipc })
  },
  paths: ipcPaths,
  locationPanels: ({ ipc }) => visitsPanel(ipc),
  casePanels: ({ ipc }) => visitsPanel(ipc),
  navigation: (actor) =>
    mayReadVisits(actor) ? [{ href: ipcPaths.ipcVisits.build(), text: 'IPC visits', order: 57 }] : [],
})
