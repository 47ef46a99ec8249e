import { defineCapability } from '../../capability.ts'
import type { Actor } from '../../domain/policy.ts'
import { mayReadResilience } from './domain/resilience.rules.ts'
import { resiliencePaths } from './provider-resilience.paths.ts'
import { providerResilienceRouteAccess } from './provider-resilience.route-access.ts'
import { resilienceRoutes } from './provider-resilience.routes.ts'
import { createResilienceService, type ResilienceService } from './provider-resilience.service.ts'

export { resiliencePaths } from './provider-resilience.paths.ts'
export type { ResilienceService } from './provider-resilience.service.ts'
export type {
  LocationResilienceTable,
  ProtectionPlanReviewTable,
  ProtectionPlanTable,
} from './provider-resilience.tables.ts'
export { loadDemoResilience } from './resilience-demo.ts'

// The panel on a location's page and on its case's: its continuity and people supported (for those who
// read resilience) and its protection plans (for those who read cases).
const resiliencePanel = (resilience: ResilienceService) => async (actor: Actor, locationId: string) => {
  const resilienceAtLocation = await resilience.resilience(actor, locationId)
  const protectionPlansAtLocation = await resilience.plansForLocation(actor, locationId)
  if (!resilienceAtLocation && !protectionPlansAtLocation) return null
  return {
    template: 'provider-resilience/views/location-resilience.njk',
    context: { resilienceAtLocation, protectionPlansAtLocation },
  }
}

// Provider resilience: each location's continuity plan, people supported by funding, contingency and
// concerns; the providers-at-risk list; protection plans opened from a case.
export const providerResilience = defineCapability()({
  name: 'provider-resilience',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: providerResilienceRouteAccess,
  services: ({ db, clock }) => ({ resilience: createResilienceService({ db, clock }) }),
  routes: async (app, { resilience }) => {
    await app.register(resilienceRoutes, { resilience })
  },
  paths: resiliencePaths,
  locationPanels: ({ resilience }) => resiliencePanel(resilience),
  casePanels: ({ resilience }) => resiliencePanel(resilience),
  navigation: (actor) =>
    mayReadResilience(actor)
      ? [{ href: resiliencePaths.providersAtRisk.build(), text: 'Providers at risk', order: 25 }]
      : [],
})
