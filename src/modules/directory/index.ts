import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import type { UserService } from '../access/index.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { linkLocationsToCouncils } from './council-links.ts'
import { cqcImportRoutes } from './cqc-import.routes.ts'
import { createCqcImportService } from './cqc-import.service.ts'
import { directoryPaths } from './directory.paths.ts'
import { directoryRouteAccess } from './directory.route-access.ts'
import { directoryRoutes } from './directory.routes.ts'
import { createDirectoryService } from './directory.service.ts'
import { locationEditRoutes } from './location-edit.routes.ts'
import { createLocationEditService } from './location-edit.service.ts'
import type { LocationPagePanels } from './location-page.ts'

export { registeredBedsOn } from './beds-history.ts'
export { createPreview, type Importer, saveImport } from './cqc-import-preview.ts'
export { directoryAuditActions } from './directory.audit-actions.ts'
export { directoryPaths } from './directory.paths.ts'
export type { DirectoryService } from './directory.service.ts'
export type {
  CouncilContractTable,
  CqcImportTable,
  ImportCounts,
  LocationBedHistoryTable,
  LocationContactTable,
  LocationStatusEventTable,
  LocationTable,
  ProviderTable,
} from './directory.tables.ts'
export { currentStatus, statusNames } from './domain/location-status.ts'
export {
  contractedBy,
  isOpenNow,
  type LocationFilters,
  locationSearchMatches,
  withLocationFilters,
} from './location-filters.ts'

// Providers and their locations, kept current from the CQC's files, with the council's own facts.
// A location's page shows what other capabilities contribute to it (their `locationPanels`).
export const directory = defineCapability<{
  users: UserService
  contactLog: ContactLogService
  locationPagePanels: LocationPagePanels
}>()({
  name: 'directory',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: directoryRouteAccess,
  // A council added after its locations were imported is linked to them at once (issue 17, item 4).
  contributes: {
    councilCreated: async (trx, _council, now) => {
      await linkLocationsToCouncils(trx, now)
    },
  },
  services: ({ db, clock }) => ({
    directory: createDirectoryService({ db, clock }),
    cqcImports: createCqcImportService({ db, clock }),
    locationEdits: createLocationEditService({ db, clock }),
  }),
  routes: async (app, { directory, locationEdits, cqcImports, users, contactLog, locationPagePanels }) => {
    await app.register(directoryRoutes, { directory, users, contactLog, locationPagePanels })
    await app.register(locationEditRoutes, { directory, locationEdits, locationPagePanels })
    await app.register(cqcImportRoutes, { imports: cqcImports })
  },
  paths: directoryPaths,
  navigation: (actor) => [
    ...(can(actor, 'locations:read')
      ? [
          {
            href: directoryPaths.locations.build(),
            text: actor.role === 'provider_manager' ? 'Your locations' : 'Locations',
            order: 10,
          },
        ]
      : []),
    ...(can(actor, 'locations:import')
      ? [{ href: directoryPaths.imports.build(), text: 'CQC imports', order: 90 }]
      : []),
  ],
})
