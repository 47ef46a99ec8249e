import type { Actor } from '../../domain/policy.ts'
import { currentDataset, type ReturnValues } from '../../domain/returns/dataset.ts'
import type { Frequency, Period, ReturnWindow } from '../../domain/returns/periods.ts'
import type { AuditEntry } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import type { RiskInputs } from '../early-warning/index.ts'
import type { ReturnSource } from './returns.service.ts'

// A return checked and ready to save, and the rows saving it writes: its version and its audit record.

export type Prepared = {
  locationId: string
  frequency: Frequency
  period: Period
  timing: string
  values: ReturnValues
  nothingChanged: boolean
  reason: string
  source: ReturnSource
  // No version of this period was seen when the return was checked.
  firstVersion: boolean
  // The version this return replaces, which must still be the latest when it is saved (null: none
  // was seen, and the return was not given one).
  replacesVersion: number | null
  // What the risk rules need to judge the location with this return (read when it was checked).
  risk: {
    inputs: RiskInputs
    serviceType: string
    window: ReturnWindow
    extraHours: number
  } | null
}

export function versionRow(actor: Actor, p: Prepared, now: Date, previous: { version: number } | undefined) {
  return {
    locationId: p.locationId,
    frequency: p.frequency,
    periodStart: p.period.start,
    version: (previous?.version ?? 0) + 1,
    isCurrent: true,
    datasetVersion: currentDataset.version,
    values: JSON.stringify(p.values),
    nilReturn: false,
    nothingChanged: p.nothingChanged,
    source: p.source,
    timing: p.timing,
    submittedBy: actor.userId,
    submittedAt: now,
    amendmentReason: previous ? p.reason || 'Completed the figures imported from the capacity tracker' : null,
  }
}

export function auditEntry(
  actor: Actor,
  p: Prepared,
  now: Date,
  saved: { id: string | null; version: number },
  previous: { values: unknown } | undefined,
): AuditEntry {
  return {
    actorUserId: actor.userId,
    organisationId: actor.organisationId,
    action: previous ? AuditAction.returnAmended : AuditAction.returnSubmitted,
    entityType: 'situation-return',
    entityId: saved.id,
    before: previous ? previous.values : undefined,
    after: {
      locationId: p.locationId,
      periodStart: p.period.start,
      version: saved.version,
      source: p.source,
      values: p.values,
      reason: previous ? p.reason : undefined,
    },
    occurredAt: now,
  }
}
