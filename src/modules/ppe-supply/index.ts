import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { councilsToRead, providerToRequestFor } from './domain/access.rules.ts'
import { requestStatusNames, requestStatusTagClasses } from './domain/request.rules.ts'
import { sendLowStockAlerts } from './low-stock-alerts.ts'
import { ppeRequestRoutes } from './ppe-requests.routes.ts'
import { ppeSetupRoutes } from './ppe-setup.routes.ts'
import { ppeStoreRoutes } from './ppe-stores.routes.ts'
import { ppePaths } from './ppe-supply.paths.ts'
import { ppeSupplyRouteAccess } from './ppe-supply.route-access.ts'
import { createPpeSupplyService } from './ppe-supply.service.ts'

// PPE supply's public face. Other capabilities use only what is exported here: the service type (its
// `valueIssuedInCouncil(councilId, from, to)` gives the public return's PPE figure), the paths (the
// return's "help requested: PPE" links to `ppePaths.newPpeRequest.build(locationId, true)`), the tables.
export { loadDemoPpeSupply } from './demo-ppe-supply.ts'
export { valueIssuedIn } from './figures.service.ts'
export { ppePaths } from './ppe-supply.paths.ts'
export type { PpeSupplyService } from './ppe-supply.service.ts'
export type { PpeSupplyTables } from './ppe-supply.tables.ts'

const names = { ppeStatusNames: requestStatusNames, ppeStatusTags: requestStatusTagClasses }

// The council's PPE stores, emergency requests from providers to delivery, free or chargeable.
export const ppeSupply = defineCapability()({
  name: 'ppe-supply',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: ppeSupplyRouteAccess,
  services: ({ db, clock }) => ({ ppeSupply: createPpeSupplyService({ db, clock }) }),
  routes: async (app, { ppeSupply }) => {
    await app.register(ppeSetupRoutes, { ppeSupply })
    await app.register(ppeStoreRoutes, { ppeSupply })
    await app.register(ppeRequestRoutes, { ppeSupply })
  },
  jobs: ({ clock, config }) => [
    {
      // An item's stock in a store below its threshold, e-mailed to the council's PPE team once.
      name: 'ppe-low-stock-alerts',
      lockKey: 7_027,
      intervalSeconds: 300,
      run: (db) => sendLowStockAlerts(db, clock, config.baseUrl),
    },
  ],
  paths: ppePaths,
  readiness: async (db) => {
    const row = await db
      .selectFrom('ppeRequests')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'requested')
      .executeTakeFirstOrThrow()
    return { ppeRequestsWaiting: Number(row.n) }
  },
  navigation: (actor) => [
    // Store figures: council and partner officers of a council (a partner serving none has no stores).
    ...(councilsToRead(actor).length > 0
      ? [{ href: ppePaths.ppeStores.build(), text: 'PPE', order: 45 }]
      : []),
    ...(can(actor, 'ppe:request')
      ? [{ href: ppePaths.ppeRequests.build(), text: 'PPE requests', order: 45 }]
      : []),
  ],
  // A provider's own requests on its home page, a recent decline's reason at the top; for the PPE
  // team and partners, the PPE panel (requests open, time to delivery, cover, low stock).
  homePanels:
    ({ ppeSupply }) =>
    async (actor) => {
      if (providerToRequestFor(actor)) {
        const home = await ppeSupply.requests.forProviderHome(actor)
        if (!home) return null
        return {
          template: 'ppe-supply/views/home-provider-panel.njk',
          context: { ppeHome: home, ...names },
          atTop: home.declined.length > 0,
        }
      }
      if (councilsToRead(actor).length === 0) return null
      const panel = await ppeSupply.figures.panel(actor)
      return panel ? { template: 'ppe-supply/views/home-panel.njk', context: { ppePanel: panel } } : null
    },
  locationPanels:
    ({ ppeSupply }) =>
    async (actor, locationId) => {
      const requests = await ppeSupply.requests.forLocation(actor, locationId)
      if (!requests) return null
      return {
        template: 'ppe-supply/views/location-panel.njk',
        context: { ppeRequests: requests, ppeLocationId: locationId, ...names },
      }
    },
  casePanels:
    ({ ppeSupply }) =>
    async (actor, locationId) => {
      const requests = await ppeSupply.requests.forLocation(actor, locationId)
      if (!requests) return null
      return {
        template: 'ppe-supply/views/location-panel.njk',
        context: { ppeRequests: requests, ppeLocationId: locationId, ...names },
      }
    },
})
