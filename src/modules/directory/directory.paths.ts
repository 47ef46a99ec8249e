import { pagePath } from '../../web/page-path.ts'

// The directory's pages: each pattern is its route's, each builder its links' (templates: paths.x).
export const directoryPaths = {
  locations: pagePath('/locations'),
  // The list as a download: one route per format, each named by its file type.
  locationsExport: {
    csv: pagePath('/locations/export.csv'),
    xlsx: pagePath('/locations/export.xlsx'),
  },
  newLocation: pagePath('/locations/new'),
  location: pagePath('/locations/:id'),
  editLocation: pagePath('/locations/:id/edit'),
  locationContacts: pagePath('/locations/:id/contacts'),
  removeContact: pagePath('/locations/:id/contacts/:contactId/remove'),
  provider: pagePath('/providers/:id'),
  inviteProviderUser: pagePath('/providers/:id/invite'),
  imports: pagePath('/imports'),
  newImport: pagePath('/imports/new'),
  cqcImport: pagePath('/imports/:id'),
  confirmImport: pagePath('/imports/:id/confirm'),
  runImportAgain: pagePath('/imports/:id/run-again'),
  importProblems: pagePath('/imports/:id/problems.csv'),
}
