import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import type { UserService } from '../access/index.ts'
import type { CaseworkService } from '../casework/index.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { cqcImportRoutes } from './cqc-import.routes.ts'
import { createCqcImportService } from './cqc-import.service.ts'
import { directoryRoutes } from './directory.routes.ts'
import { createDirectoryService } from './directory.service.ts'
import { createLocationEditService } from './location-edit.service.ts'

export { createPreview, type Importer, saveImport } from './cqc-import.service.ts'
export type { DirectoryService } from './directory.service.ts'

// Providers and their locations, kept current from the CQC's files, with the council's own facts.
export const directory = defineCapability<{
  users: UserService
  contactLog: ContactLogService
  casework: CaseworkService
}>()({
  name: 'directory',
  services: ({ db, clock }) => ({
    directory: createDirectoryService({ db, clock }),
    cqcImports: createCqcImportService({ db, clock }),
    locationEdits: createLocationEditService({ db, clock }),
  }),
  routes: async (app, { directory, locationEdits, cqcImports, users, contactLog, casework }) => {
    await app.register(directoryRoutes, { directory, locationEdits, users, contactLog, casework })
    await app.register(cqcImportRoutes, { imports: cqcImports })
  },
  navigation: (actor) => [
    ...(can(actor, 'locations:read')
      ? [
          {
            href: paths.locations(),
            text: actor.role === 'provider_manager' ? 'Your locations' : 'Locations',
            order: 10,
          },
        ]
      : []),
    ...(can(actor, 'locations:import') ? [{ href: paths.imports(), text: 'CQC imports', order: 90 }] : []),
  ],
})
