import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { createEventService } from './events.service.ts'
import { resourcePackPaths } from './resource-pack.paths.ts'
import { resourcePackRouteAccess } from './resource-pack.route-access.ts'
import { resourcePackRoutes } from './resource-pack.routes.ts'
import { createResourceService, flagResourcesDue } from './resources.service.ts'

export { resourceCategories, resourceCategoryNames } from './domain/resources.rules.ts'
export type { EventService } from './events.service.ts'
export { resourcePackAuditActions } from './resource-pack.audit-actions.ts'
export { loadDemoResourcePack } from './resource-pack.demo.ts'
export { resourcePackPaths } from './resource-pack.paths.ts'
export type {
  CareEventQuestionTable,
  CareEventSignupTable,
  CareEventTable,
  ResourceItemTable,
  ResourceVersionTable,
} from './resource-pack.tables.ts'
export { flagResourcesDue, type ResourceService, resourceLinks } from './resources.service.ts'

// The council's resource pack for providers (documents and links with versions and review dates) and
// its events (provider calls, webinars), whose questions become FAQ entries.
export const resourcePack = defineCapability()({
  name: 'resource-pack',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: resourcePackRouteAccess,
  services: ({ db, clock }) => ({
    resources: createResourceService({ db, clock }),
    events: createEventService({ db, clock }),
  }),
  routes: async (app, { resources, events, clock }) => {
    await app.register(resourcePackRoutes, { resources, events, clock })
  },
  jobs: ({ clock, config }) => [
    {
      name: 'resources-due-for-review',
      lockKey: 7_251,
      intervalSeconds: 3600,
      run: (db) => flagResourcesDue(db, clock, config.baseUrl),
    },
  ],
  paths: resourcePackPaths,
  // An owner's items due for review, on their home page.
  homePanels:
    ({ resources }) =>
    async (actor) => {
      const resourcesDue = await resources.dueFor(actor)
      return resourcesDue.length
        ? { template: 'resource-pack/views/home-panel.njk', context: { resourcesDue } }
        : null
    },
  navigation: (actor) =>
    can(actor, 'communications:read')
      ? [
          { href: resourcePackPaths.resources.build(), text: 'Resource pack', order: 64 },
          { href: resourcePackPaths.events.build(), text: 'Events', order: 65 },
        ]
      : [],
})
