import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import type { PublishingService } from '../publishing/index.ts'
import { grantsPublication } from './grants-open-data.ts'
import { grantsPaths } from './grants.paths.ts'
import { grantsRouteAccess } from './grants.route-access.ts'
import { grantRoutes } from './grants.routes.ts'
import { createGrantsService } from './grants.service.ts'

export { loadDemoGrants } from './demo-grants.ts'
export { grantsOpenDataKind, grantsPublication } from './grants-open-data.ts'
export { grantsPaths } from './grants.paths.ts'
export { createGrantsService, type GrantsService } from './grants.service.ts'
export type {
  GrantAllocationTable,
  GrantPaymentTable,
  GrantPreviewTable,
  GrantRoundTable,
  GrantSpendReturnTable,
  GrantTrancheTable,
} from './grants.tables.ts'

// Grants passed to providers: rounds allocated by a published formula to the penny, eligibility with
// reasons, tranches, the providers' acceptance, spend returns and clawback, and the open data file.
// The open data goes through publishing's workflow as a kind of publication.
export const grants = defineCapability<{ publishing: PublishingService }>()({
  name: 'grants',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: grantsRouteAccess,
  services: ({ db, clock, publishing }) => {
    publishing.registerKind(grantsPublication)
    return { grants: createGrantsService({ db, clock }) }
  },
  routes: async (app, { grants }) => {
    await app.register(grantRoutes, { grants })
  },
  paths: grantsPaths,
  navigation: (actor) =>
    can(actor, 'grants:read') ? [{ href: grantsPaths.grants.build(), text: 'Grants', order: 65 }] : [],
  // On the provider's home page: what it is owed, has accepted and has received; first, when terms wait.
  homePanels:
    ({ grants }) =>
    async (actor) => {
      const grantPanel = await grants.homePanel(actor)
      if (!grantPanel) return null
      return {
        template: 'grants/views/home-panel.njk',
        context: { grantPanel },
        atTop: grantPanel.waiting > 0,
      }
    },
  // On a location's page: its allocations, for the provider and the council's readers.
  locationPanels:
    ({ grants }) =>
    async (actor, locationId) => {
      const grantRows = await grants.locationPanel(actor, locationId)
      return grantRows ? { template: 'grants/views/location-panel.njk', context: { grantRows } } : null
    },
})
