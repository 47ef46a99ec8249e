import { defineCapability } from '../../capability.ts'
import { mayPrepare } from './domain/workflow.ts'
import { publishingPaths } from './publishing.paths.ts'
import { publishingRouteAccess } from './publishing.route-access.ts'
import { publishedRoutes, publishingRoutes } from './publishing.routes.ts'
import { createPublishingService } from './publishing.service.ts'

export type {
  Block,
  Cell,
  Column,
  Figure,
  NamedProvider,
  PublicationContent,
  PublishedContent,
} from './domain/content.ts'
export { figuresIn, forPublication } from './domain/content.ts'
export { renderDocx } from './domain/render-docx.ts'
export { defaultSuppressionRule, type SuppressionRule, suppress } from './domain/suppression.ts'
export type { PublicationKind } from './publication-kinds.ts'
export { kindRegistry } from './publication-kinds.ts'
export { publishVersion } from './publish-version.ts'
export { publishingAuditActions } from './publishing.audit-actions.ts'
export { publishingPaths } from './publishing.paths.ts'
export type { PublishingService } from './publishing.service.ts'
export type {
  PublicationChallengeTable,
  PublicationEventTable,
  PublicationTable,
  PublicationVersionTable,
  VersionStatus,
} from './publishing.tables.ts'

// Publishing any public output through one workflow: draft, the named providers' accuracy check,
// sign-off by a named officer, and an immutable published version at a permanent address. Other
// capabilities register their kinds of output with `publishing.registerKind`.
export const publishing = defineCapability()({
  name: 'publishing',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: publishingRouteAccess,
  services: ({ db, clock, config }) => ({
    publishing: createPublishingService({ db, clock, baseUrl: config.baseUrl }),
  }),
  routes: async (app, { publishing }) => {
    await app.register(publishingRoutes, { publishing })
    await app.register(publishedRoutes, { publishing })
  },
  paths: publishingPaths,
  navigation: (actor) => [
    ...(mayPrepare(actor)
      ? [{ href: publishingPaths.publications.build(), text: 'Publications', order: 88 }]
      : []),
    ...(actor.role === 'provider_manager'
      ? [{ href: publishingPaths.yourFigures.build(), text: 'Check your figures', order: 88 }]
      : []),
  ],
})
