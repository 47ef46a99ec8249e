import { parse } from 'csv-parse/sync'
import type { Db } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Scope } from '../../domain/policy.ts'
import {
  defaultTrackerMapping,
  mapTrackerRow,
  type TrackerMapping,
} from '../../domain/returns/capacity-tracker.ts'
import { currentDataset, parseReturn } from '../../domain/returns/dataset.ts'
import { periodContaining, periodStarting, timingOf } from '../../domain/returns/periods.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { applyCapacityTrackerFlags, type TrackerFlag } from '../casework/index.ts'
import { markDashboardStale } from '../dashboards/index.ts'
import { recomputeRisk } from '../early-warning/index.ts'

export type TrackerImportResult = {
  rows: number
  saved: number
  unmatched: { rowNumber: number; cqcLocationId: string | null }[]
  invalid: { rowNumber: number; column: string; reason: string }[]
  alreadyReported: { rowNumber: number; cqcLocationId: string }[]
  // Red status flags raised as alerts, and earlier ones cleared by a non-red status.
  redFlagsRaised: number
  redFlagsCleared: number
}

// Imports a capacity tracker extract as partial returns (source "import"), so providers are not asked
// again for what the tracker holds. Rows are matched on CQC location ID within the importer's scope;
// unmatched and invalid rows are reported; a period the provider has already reported is left alone.
export async function importCapacityTracker(
  db: Db,
  clock: Clock,
  // fileName names the extract in the note that clears an earlier red flag.
  by: { userId: string | null; organisationId: string | null; scope: Scope; fileName?: string },
  content: Buffer,
  mapping: TrackerMapping = defaultTrackerMapping,
): Promise<TrackerImportResult> {
  const records = parse(content, {
    columns: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Record<string, string>[]
  const result: TrackerImportResult = {
    rows: records.length,
    saved: 0,
    unmatched: [],
    invalid: [],
    alreadyReported: [],
    redFlagsRaised: 0,
    redFlagsCleared: 0,
  }
  // The tracker's own status per location (the last row wins), whether or not its figures are saved.
  const flags = new Map<string, TrackerFlag>()
  const now = clock.now()
  const templates = new Map(
    (await db.selectFrom('returnTemplates').selectAll().execute()).map((t) => [t.serviceType, t]),
  )
  const ready: {
    locationId: string
    frequency: string
    periodStart: string
    timing: string
    values: Record<string, unknown>
  }[] = []
  for (const [i, record] of records.entries()) {
    const row = mapTrackerRow(mapping, record, i + 2)
    if (row.problems.length) {
      result.invalid.push(...row.problems.map((p) => ({ rowNumber: row.rowNumber, ...p })))
      continue
    }
    const location = await db
      .selectFrom('locations')
      .select(['id', 'serviceType'])
      .where('cqcLocationId', '=', row.cqcLocationId!)
      .where(locationVisible(by.scope))
      .executeTakeFirst()
    if (!location) {
      result.unmatched.push({ rowNumber: row.rowNumber, cqcLocationId: row.cqcLocationId })
      continue
    }
    if (row.status)
      flags.set(location.id, { locationId: location.id, status: row.status, trackerUpdatedOn: row.date })
    const template = templates.get(location.serviceType)!
    const period = row.date
      ? periodStarting(template.frequency, row.date)
      : periodContaining(template.frequency, now)
    const parsed = parseReturn(currentDataset, location.serviceType as ServiceType, row.raw, {
      partial: true,
    })
    if (!parsed.ok) {
      result.invalid.push(
        ...parsed.errors.map((e) => ({ rowNumber: row.rowNumber, column: e.field, reason: e.message })),
      )
      continue
    }
    const existing = await db
      .selectFrom('situationReturns')
      .select('source')
      .where('locationId', '=', location.id)
      .where('periodStart', '=', period.start)
      .where('isCurrent', '=', true)
      .executeTakeFirst()
    if (existing && existing.source !== 'import') {
      result.alreadyReported.push({ rowNumber: row.rowNumber, cqcLocationId: row.cqcLocationId! })
      continue
    }
    const window = {
      opensAfterHours: template.opensAfterHours,
      dueAfterHours: template.dueAfterHours,
      locksAfterHours: template.locksAfterHours,
    }
    ready.push({
      locationId: location.id,
      frequency: template.frequency,
      periodStart: period.start,
      timing: timingOf(period, window, now),
      values: parsed.values,
    })
  }
  await db.transaction().execute(async (trx) => {
    for (const r of ready) {
      const previous = await trx
        .selectFrom('situationReturns')
        .select(['id', 'version'])
        .where('locationId', '=', r.locationId)
        .where('periodStart', '=', r.periodStart)
        .orderBy('version', 'desc')
        .forUpdate()
        .executeTakeFirst()
      if (previous)
        await trx
          .updateTable('situationReturns')
          .set({ isCurrent: false })
          .where('id', '=', previous.id)
          .execute()
      const saved = await trx
        .insertInto('situationReturns')
        .values({
          locationId: r.locationId,
          frequency: r.frequency,
          periodStart: r.periodStart,
          version: (previous?.version ?? 0) + 1,
          isCurrent: true,
          datasetVersion: currentDataset.version,
          values: JSON.stringify(r.values),
          nilReturn: false,
          nothingChanged: false,
          source: 'import',
          timing: r.timing,
          submittedBy: by.userId,
          submittedAt: now,
          amendmentReason: previous ? 'Updated from a newer capacity tracker extract' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await markDashboardStale(trx, r.locationId, r.periodStart, r.frequency)
      await recordAudit(trx, {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        action: AuditAction.returnImported,
        entityType: 'situation-return',
        entityId: saved.id,
        after: { locationId: r.locationId, periodStart: r.periodStart, values: r.values },
        occurredAt: now,
      })
      result.saved++
    }
    const applied = await applyCapacityTrackerFlags(
      trx,
      [...flags.values()],
      {
        userId: by.userId,
        organisationId: by.organisationId,
        importName: `${by.fileName ? `${by.fileName}, ` : ''}imported ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      },
      now,
    )
    result.redFlagsRaised = applied.raised
    result.redFlagsCleared = applied.cleared
    // Imported figures count for the risk rules like any return, in the same transaction.
    await recomputeRisk(
      trx,
      now,
      ready.map((r) => r.locationId),
    )
  })
  return result
}
