import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { contactCategoryNames } from '../../domain/contact-log/categories.ts'
import {
  contactDirectionNames,
  contactMethodNames,
  contactStateNames,
} from '../../domain/contact-log/contact-log.rules.ts'
import { addDaysToIsoDate, londonInstant } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import type { ContactLogService, ContactSummary } from '../contact-log/contact-log.service.ts'
import { currentDataset, derivedMeasures, type ReturnValues, templateColumns } from '../returns/index.ts'
import { type DashboardFilter, filteredLocations } from './dashboard.queries.ts'
import { maySeeDashboard, viewpointOf } from './dashboard.service.ts'
import type { Column } from './table-export.ts'

// The dashboard's exports: the directory with each location's current status, returns for a date
// range, and alerts. Same filters as the screen. Rows are read in keyset pages (never OFFSET, never the
// whole table), so a national export holds one batch in memory at a time.

export type ExportFilter = Omit<DashboardFilter, 'day'> & { from: string; to: string }

// Small batches keep the live set small: the process's memory is the export's, not the table's.
const defaultBatchSize = 500
const serviceName = (t: string) => serviceTypeNames[t as keyof typeof serviceTypeNames] ?? t
const zeroUuid = '00000000-0000-0000-0000-000000000000'
const ragName = (rag: string | null) => (rag === 'red' ? 'Red' : rag === 'amber' ? 'Amber' : 'Green')

// As the database names them: the export skips the camel-case mapping of every row (and of every key
// inside each return's figures), which was most of its garbage.
export type ReturnExportRow = {
  location_id: string
  period_start: string
  location_name: string
  cqc_location_id: string | null
  provider_name: string
  service_type: string
  area: string | null
  council_name: string | null
  version: number
  submitted_at: Date
  timing: string
  source: string
  nothing_changed: boolean
  values: ReturnValues
}

const formatValue = (v: unknown) =>
  Array.isArray(v)
    ? v.join('; ')
    : typeof v === 'boolean'
      ? v
        ? 'Yes'
        : 'No'
      : (v as string | number | null)

// Worked out once per row, however many columns read them.
const derivedOf = new WeakMap<ReturnValues, ReturnType<typeof derivedMeasures>>()
function derived(values: ReturnValues) {
  let measures = derivedOf.get(values)
  if (!measures) {
    measures = derivedMeasures(values)
    derivedOf.set(values, measures)
  }
  return measures
}

export const returnColumns: Column<ReturnExportRow>[] = [
  ['Location name', (r) => r.location_name],
  ['CQC location ID', (r) => r.cqc_location_id],
  ['Provider name', (r) => r.provider_name],
  ['Service type', (r) => serviceName(r.service_type)],
  ['Area', (r) => r.area],
  ['Local authority', (r) => r.council_name],
  ['Period starting', (r) => r.period_start],
  ['Version', (r) => r.version],
  ['Sent at', (r) => r.submitted_at],
  ['On time or late', (r) => (r.timing === 'on-time' ? 'On time' : 'Late')],
  ['Sent by', (r) => r.source],
  ['Nothing changed', (r) => r.nothing_changed],
  ...templateColumns(currentDataset).map(
    ({ key, label }) =>
      [label, (r: ReturnExportRow) => formatValue(r.values[key])] as Column<ReturnExportRow>,
  ),
  ['Lowest days of PPE', (r) => derived(r.values).lowestPpeDays],
  ['Vacant beds', (r) => derived(r.values).vacantBeds],
  ['Staff absence (%)', (r) => derived(r.values).staffAbsencePercent],
]

export type DirectoryStatusRow = {
  id: string
  name: string
  cqcLocationId: string | null
  providerName: string
  serviceType: string
  area: string | null
  councilName: string | null
  postcode: string | null
  registeredBeds: number | null
  status: string
  contracted: boolean
  rag: string | null
  openAlerts: number | null
  lastPeriod: string | null
  lastSubmittedAt: Date | null
  lastValues: ReturnValues | null
}

export const directoryColumns: Column<DirectoryStatusRow>[] = [
  ['Location name', (r) => r.name],
  ['CQC location ID', (r) => r.cqcLocationId],
  ['Provider name', (r) => r.providerName],
  ['Service type', (r) => serviceName(r.serviceType)],
  ['Area', (r) => r.area],
  ['Local authority', (r) => r.councilName],
  ['Postcode', (r) => r.postcode],
  ['Registered beds', (r) => r.registeredBeds],
  ['Status', (r) => (r.status === 'closed' ? 'Closed' : 'Open')],
  ['Contracted', (r) => r.contracted],
  ['RAG', (r) => ragName(r.rag)],
  ['Open alerts', (r) => r.openAlerts ?? 0],
  ['Latest return for period starting', (r) => r.lastPeriod],
  ['Latest return sent at', (r) => r.lastSubmittedAt],
  ['Lowest days of PPE', (r) => (r.lastValues ? derivedMeasures(r.lastValues).lowestPpeDays : null)],
  ['Staff absence (%)', (r) => (r.lastValues ? derivedMeasures(r.lastValues).staffAbsencePercent : null)],
  ['Vacant beds', (r) => (r.lastValues ? derivedMeasures(r.lastValues).vacantBeds : null)],
  [
    'Closed to admissions',
    (r) =>
      typeof r.lastValues?.closedToAdmissions === 'boolean'
        ? (r.lastValues.closedToAdmissions as boolean)
        : null,
  ],
]

export type AlertExportRow = {
  id: string
  locationName: string
  cqcLocationId: string | null
  providerName: string
  area: string | null
  severity: string
  source: string
  title: string
  message: string
  status: string
  raisedAt: Date
  resolvedAt: Date | null
  resolutionNote: string | null
  owningOrganisation: string | null
  caseStatus: string | null
}

const alertSources: Record<string, string> = {
  rule: 'Risk rule',
  capacity_tracker: 'Capacity tracker',
  intelligence: 'Partner intelligence',
}

export const alertColumns: Column<AlertExportRow>[] = [
  ['Location name', (r) => r.locationName],
  ['CQC location ID', (r) => r.cqcLocationId],
  ['Provider name', (r) => r.providerName],
  ['Area', (r) => r.area],
  ['Severity', (r) => (r.severity === 'red' ? 'Red' : 'Amber')],
  ['Source', (r) => alertSources[r.source] ?? r.source],
  ['Alert', (r) => r.title],
  ['Details', (r) => r.message],
  ['Status', (r) => (r.status === 'open' ? 'Open' : 'Resolved')],
  ['Raised at', (r) => r.raisedAt],
  ['Resolved at', (r) => r.resolvedAt],
  ['Resolution note', (r) => r.resolutionNote],
  ['Case owned by', (r) => r.owningOrganisation ?? 'Not yet owned'],
  ['Case status', (r) => r.caseStatus],
]

export const contactColumns: Column<ContactSummary>[] = [
  ['Location name', (r) => r.locationName],
  ['When', (r) => r.contactAt],
  ['Planned or done', (r) => contactStateNames[r.state]],
  ['How', (r) => contactMethodNames[r.method]],
  ['Direction', (r) => contactDirectionNames[r.direction]],
  ['About', (r) => contactCategoryNames[r.category]],
  ['Organisation', (r) => r.organisationName],
  ['Officer', (r) => r.officerName],
  ['Spoke to', (r) => r.spokeTo],
  ['Summary', (r) => r.summary],
  ['Actions agreed', (r) => r.actionsAgreed],
  ['Follow up on', (r) => r.followUpOn],
  ['Follow-up done at', (r) => r.followUpDoneAt],
  ['Council only', (r) => r.restricted],
]

export function createDashboardExportService(deps: {
  db: Db
  batchSize?: number
  contactLog?: Pick<ContactLogService, 'exportBatches'>
}) {
  const { db } = deps
  const batchSize = deps.batchSize ?? defaultBatchSize

  // Current returns for periods starting from `from` to `to`, ordered by period then location.
  async function* returns(actor: Actor, filter: ExportFilter): AsyncGenerator<ReturnExportRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    let after: [string, string] = [filter.from, zeroUuid]
    for (;;) {
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
          'r.values',
        ])
        .where('r.isCurrent', '=', true)
        .where((eb) => eb(eb.refTuple('r.periodStart', 'r.locationId'), '>', eb.tuple(after[0], after[1])))
        .where('r.periodStart', '>=', filter.from)
        .where('r.periodStart', '<=', filter.to)
        .orderBy('r.periodStart')
        .orderBy('r.locationId')
        .limit(batchSize)
      const batch = (await db.withoutPlugins().executeQuery<ReturnExportRow>(query.compile())).rows
      if (batch.length === 0) return
      yield batch
      const last = batch[batch.length - 1]!
      after = [last.period_start, last.location_id]
      if (batch.length < batchSize) return
    }
  }

  async function* directory(
    actor: Actor,
    filter: Omit<DashboardFilter, 'day'>,
  ): AsyncGenerator<DirectoryStatusRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    let after = zeroUuid
    for (;;) {
      const batch = await filteredLocations(db, view, filter)
        .innerJoin('providers', 'providers.id', 'locations.providerId')
        .leftJoin('organisations as council', 'council.id', 'locations.councilId')
        .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('situationReturns')
              .select([
                'situationReturns.periodStart',
                'situationReturns.submittedAt',
                'situationReturns.values',
              ])
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
          eb
            .exists(
              eb
                .selectFrom('councilContracts')
                .select(sql`1`.as('one'))
                .whereRef('councilContracts.locationId', '=', 'locations.id')
                .$if(view.councilIds.length > 0, (q) =>
                  q.where('councilContracts.councilId', 'in', view.councilIds),
                ),
            )
            .as('contracted'),
          'locationRisk.rag',
          'locationRisk.openAlerts',
          'last.periodStart as lastPeriod',
          'last.submittedAt as lastSubmittedAt',
          'last.values as lastValues',
        ])
        .where('locations.id', '>', after)
        .orderBy('locations.id')
        .limit(batchSize)
        .execute()
      if (batch.length === 0) return
      yield batch as DirectoryStatusRow[]
      after = batch[batch.length - 1]!.id
      if (batch.length < batchSize) return
    }
  }

  // Alerts raised from `from` to `to` (whole days, UK time is close enough at day grain: UTC bounds).
  async function* alerts(actor: Actor, filter: ExportFilter): AsyncGenerator<AlertExportRow[]> {
    if (!maySeeDashboard(actor)) return
    const view = viewpointOf(actor)
    let after = zeroUuid
    for (;;) {
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
      if (batch.length === 0) return
      yield batch as AlertExportRow[]
      after = batch[batch.length - 1]!.id
      if (batch.length < batchSize) return
    }
  }

  // The contact log's rows come from its own service, which applies its visibility rules; the screen's
  // filters only narrow the locations.
  async function* contacts(actor: Actor, filter: ExportFilter): AsyncGenerator<ContactSummary[]> {
    if (!maySeeDashboard(actor) || !deps.contactLog) return
    const view = viewpointOf(actor)
    yield* deps.contactLog.exportBatches(
      actor,
      {
        from: londonInstant(filter.from),
        toExclusive: londonInstant(addDaysToIsoDate(filter.to, 1)),
      },
      (trx) => filteredLocations(trx, view, filter).select('locations.id'),
    )
  }

  return { returns, directory, alerts, contacts }
}

export type DashboardExportService = ReturnType<typeof createDashboardExportService>
