import type { Db } from '../../db/database.ts'
import { contractedBy } from '../directory/index.ts'
import type { AlertExportRow, DirectoryStatusRow, ReturnExportRow } from './export-columns.ts'
import { type DashboardFilter, filteredLocations, type Viewpoint } from './measures.repository.ts'
import type { RiskShown } from './risk-shown.ts'

// The dashboard's downloads read a batch at a time, each after the last row of the one before
// (keyset pages: never OFFSET, never the whole table). Same filters as the screen.

export type ExportFilter = Omit<DashboardFilter, 'day'> & { from: string; to: string }

// Current returns for periods starting from `from` to `to`, ordered by period then location, after
// (period, location) `after`. As the database names them (see ReturnExportRow).
export async function returnsBatch(
  db: Db,
  view: Viewpoint,
  filter: ExportFilter,
  after: [string, string],
  batchSize: number,
): Promise<ReturnExportRow[]> {
  const query = filteredLocations(db, view, filter)
    .innerJoin('situationReturns as r', 'r.locationId', 'locations.id')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .select([
      'r.locationId',
      'r.periodStart',
      'locations.name as locationName',
      'locations.cqcLocationId',
      'providers.name as providerName',
      'locations.serviceType',
      'locations.area',
      'council.name as councilName',
      'r.version',
      'r.submittedAt',
      'r.timing',
      'r.source',
      'r.nothingChanged',
      'r.nilReturn',
      'r.nilReason',
      'r.nilDetails',
      'r.values',
    ])
    .where('r.isCurrent', '=', true)
    .where((eb) => eb(eb.refTuple('r.periodStart', 'r.locationId'), '>', eb.tuple(after[0], after[1])))
    .where('r.periodStart', '>=', filter.from)
    .where('r.periodStart', '<=', filter.to)
    .orderBy('r.periodStart')
    .orderBy('r.locationId')
    .limit(batchSize)
  return (await db.withoutPlugins().executeQuery<ReturnExportRow>(query.compile())).rows
}

// The locations with their current status: their latest return, and their RAG and open alerts as far as
// `shown` lets the reader see them.
export async function directoryBatch(
  db: Db,
  view: Viewpoint,
  filter: Omit<DashboardFilter, 'day'>,
  after: string,
  batchSize: number,
  shown: RiskShown,
): Promise<DirectoryStatusRow[]> {
  const batch = await filteredLocations(db, view, filter)
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('situationReturns')
          .select(['situationReturns.periodStart', 'situationReturns.submittedAt', 'situationReturns.values'])
          .whereRef('situationReturns.locationId', '=', 'locations.id')
          .where('situationReturns.isCurrent', '=', true)
          .orderBy('situationReturns.periodStart', 'desc')
          .limit(1)
          .as('last'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'locations.id',
      'locations.name',
      'locations.cqcLocationId',
      'providers.name as providerName',
      'locations.serviceType',
      'locations.area',
      'council.name as councilName',
      'locations.postcode',
      'locations.registeredBeds',
      'locations.status',
      'locations.dormant',
      contractedBy(eb, view.councilIds).as('contracted'),
      'last.periodStart as lastPeriod',
      'last.submittedAt as lastSubmittedAt',
      'last.values as lastValues',
    ])
    .$if(shown.rag, (q) => q.select('locationRisk.rag'))
    .$if(shown.alerts, (q) => q.select('locationRisk.openAlerts'))
    .where('locations.id', '>', after)
    .orderBy('locations.id')
    .limit(batchSize)
    .execute()
  return batch as DirectoryStatusRow[]
}

// Alerts raised from `from` to `to` (whole days, UK time is close enough at day grain: UTC bounds).
export async function alertsBatch(
  db: Db,
  view: Viewpoint,
  filter: ExportFilter,
  after: string,
  batchSize: number,
): Promise<AlertExportRow[]> {
  const batch = await filteredLocations(db, view, filter)
    .innerJoin('alerts', 'alerts.locationId', 'locations.id')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('cases', 'cases.id', 'alerts.caseId')
    .leftJoin('organisations as owner', 'owner.id', 'cases.owningOrganisationId')
    .select([
      'alerts.id',
      'locations.name as locationName',
      'locations.cqcLocationId',
      'providers.name as providerName',
      'locations.area',
      'alerts.severity',
      'alerts.source',
      'alerts.title',
      'alerts.message',
      'alerts.status',
      'alerts.raisedAt',
      'alerts.resolvedAt',
      'alerts.resolutionNote',
      'owner.name as owningOrganisation',
      'cases.status as caseStatus',
    ])
    .where('alerts.raisedAt', '>=', new Date(`${filter.from}T00:00:00Z`))
    .where('alerts.raisedAt', '<', new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000))
    .where('alerts.id', '>', after)
    .orderBy('alerts.id')
    .limit(batchSize)
    .execute()
  return batch as AlertExportRow[]
}
