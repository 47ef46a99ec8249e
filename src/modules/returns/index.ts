import { defineCapability } from '../../capability.ts'
import { createCapacityTrackerService } from './capacity-tracker.service.ts'
import { completenessRoutes } from './completeness.routes.ts'
import { createCompletenessService, sendReturnReminders } from './completeness.service.ts'
import { multiSiteReturnRoutes } from './multi-site-return.routes.ts'
import { createMultiSiteReturnService } from './multi-site-return.service.ts'
import { createNilReturnService } from './nil-return.ts'
import { returnExceptionsRoutes } from './return-exceptions.routes.ts'
import { createReturnExceptionsService } from './return-exceptions.service.ts'
import { createReturnSaver } from './return-save.ts'
import { returnsPaths } from './returns.paths.ts'
import { returnsRouteAccess } from './returns.route-access.ts'
import { returnsRoutes } from './returns.routes.ts'
import { createReturnsService } from './returns.service.ts'
import { trackerUploadRoutes } from './tracker-upload.routes.ts'
import { createTrackerUploadService } from './tracker-upload.service.ts'
import { returnsUploadRoutes } from './upload/returns-upload.routes.ts'
import { createReturnsUploadService } from './upload/returns-upload.service.ts'

// The beds care homes reported, week by week (payments' void beds).
export { type WeekOccupancy, weeklyBedOccupancy } from './bed-occupancy.ts'
// The returns' public face. Other capabilities, the seeds and the command line use only what is here.
export type {
  CapacityTrackerService,
  TrackerFlag,
  TrackerImportResult,
  TrackerStatusHook,
} from './capacity-tracker.service.ts'
export type { TrackerStatus } from './domain/capacity-tracker.ts'
// The dataset (what a return asks) and the reporting periods, which the dashboards, early warning,
// casework, the API and the seeds read returns by.
export {
  currentDataset,
  type DatasetDefinition,
  type DatasetField,
  datasetVersion,
  derivedMeasures,
  type FieldError,
  fieldsFor,
  helpKinds,
  jsonSchemaFor,
  parseReturn,
  ppeItems,
  type ReturnValues,
  templateColumns,
} from './domain/dataset.ts'
export {
  defaultWindows,
  type Frequency,
  type Period,
  periodContaining,
  previousPeriod,
  type ReturnWindow,
  windowTimes,
} from './domain/periods.ts'
// Why a nil return has no figures (the API takes one of these; the exports write its words).
export { nilDetailsLimit, nilReasons } from './domain/exceptions.ts'
// Beds occupied on or just before a date (grants' rounds per occupied bed read it).
export { occupiedBedsOn } from './occupancy.ts'
// A version's own cells of the returns CSV, written with it (the dashboards' export reads them).
export {
  exportCellsLayout,
  exportCellsOf,
  type VersionForExport,
  versionColumns,
} from './export-cells.ts'
// The one save path's extension point: what other capabilities contribute to every saved return.
export type { ReturnSaveHook, SavedVersion, SubmissionHook } from './return-save.ts'
export { returnsAuditActions } from './returns.audit-actions.ts'
export { returnsPaths } from './returns.paths.ts'
export type { NilReturnService } from './nil-return.ts'
export type { ReturnsService, SubmitOutcome } from './returns.service.ts'
export type {
  ReturnChaseTable,
  ReturnExceptionTable,
  ReturnReminderTable,
  ReturnTemplateTable,
  SituationReturnTable,
} from './returns.tables.ts'
export { trackerUploadAuditActions } from './tracker-upload.audit-actions.ts'
export type { CapacityTrackerImportTable } from './tracker-upload.tables.ts'

// Situation returns: the dataset, the provider's form, uploads, the capacity tracker's extracts,
// completeness and reminders.
export const returns = defineCapability()({
  name: 'returns',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: returnsRouteAccess,
  services: ({ db, clock, contributions }) => {
    // Every channel saves through this one saver, with every capability's ReturnSaveHook.
    const saver = createReturnSaver({ db, hooks: contributions.returnSaved ?? [] })
    const returns = createReturnsService({ db, clock, saver })
    const capacityTracker = createCapacityTrackerService({
      db,
      clock,
      saver,
      statusHooks: contributions.trackerStatusImported ?? [],
    })
    return {
      returns,
      returnsUpload: createReturnsUploadService({ db, clock, returns }),
      nilReturns: createNilReturnService({ db, clock, saver }),
      returnExceptions: createReturnExceptionsService({ db, clock }),
      completeness: createCompletenessService({ db, clock }),
      capacityTracker,
      // Issue 19: today's return for many locations on one page; tracker extracts from the browser.
      multiSiteReturns: createMultiSiteReturnService({ db, clock, saver }),
      trackerUploads: createTrackerUploadService({ db, clock, tracker: capacityTracker }),
    }
  },
  routes: async (
    app,
    { returns, returnsUpload, completeness, multiSiteReturns, trackerUploads, nilReturns, returnExceptions },
  ) => {
    await app.register(completenessRoutes, { completeness })
    await app.register(returnsRoutes, { returns })
    await app.register(returnExceptionsRoutes, { returns, nilReturns, exceptions: returnExceptions })
    await app.register(returnsUploadRoutes, { upload: returnsUpload })
    await app.register(multiSiteReturnRoutes, { multiSite: multiSiteReturns })
    await app.register(trackerUploadRoutes, { tracker: trackerUploads })
  },
  jobs: ({ clock, config }) => [
    {
      name: 'return-reminders',
      lockKey: 7_002,
      intervalSeconds: 300,
      run: (db) => sendReturnReminders(db, clock, config.baseUrl),
    },
  ],
  paths: returnsPaths,
  // On a location's page: its agreed exceptions, and its latest return when that is a nil return.
  locationPanels:
    ({ returnExceptions }) =>
    async (actor, locationId) => {
      const panel = await returnExceptions.panel(actor, locationId)
      if (!panel) return null
      return {
        links: [
          { href: returnsPaths.returnExceptions.build(locationId), text: 'Agreed exceptions to returns' },
        ],
        template: 'returns/views/location-panel.njk',
        context: { returnsPanel: panel },
      }
    },
  navigation: (actor) =>
    actor.role !== 'provider_manager'
      ? [{ href: returnsPaths.completeness.build(), text: 'Returns', order: 40 }]
      : [],
})
