import type { ReturnSaveHook } from '../returns/index.ts'
import { dashboardStaleInsert } from './rollup.repository.ts'

// The dashboards' part in every return's save (ADR 7): the days whose figures the version can change are
// marked stale for its councils' rollups, by the statement that saves it; the dashboard-rollup job
// rebuilds them. (A mark left when the version was not saved only costs a rebuild.)
export const staleDaysOnReturnSave: ReturnSaveHook = {
  withVersion: (version) => [
    dashboardStaleInsert(version.locationId, version.period.start, version.frequency),
  ],
}
