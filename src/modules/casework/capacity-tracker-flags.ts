import { AuditAction, recordAudit } from '../audit/index.ts'
import { raiseAlert, resolveAlert } from '../early-warning/index.ts'
import type { TrackerStatusHook } from '../returns/index.ts'

export const capacityTrackerAlertKey = 'capacity-tracker'

// The national capacity tracker's red status for a location becomes an alert on its case; a later
// extract with any other status resolves it, with a note naming that extract. Runs in the import's
// transaction: casework's part in the returns' capacity tracker import (`trackerStatusImported`).
export const applyCapacityTrackerFlags: TrackerStatusHook = async (trx, flags, by, at) => {
  let raised = 0
  let cleared = 0
  for (const flag of flags) {
    if (flag.status === 'red') {
      const outcome = await raiseAlert(trx, {
        locationId: flag.locationId,
        source: 'capacity_tracker',
        alertKey: capacityTrackerAlertKey,
        severity: 'red',
        title: 'Red status on the national capacity tracker',
        message: 'The national capacity tracker shows this location as red',
        evidence: {
          trackerStatus: 'red',
          ...(flag.trackerUpdatedOn ? { trackerUpdatedOn: flag.trackerUpdatedOn } : {}),
          importedFrom: by.importName,
        },
        actorUserId: by.userId,
        at,
      })
      if (outcome.outcome === 'raised') {
        raised++
        await recordAudit(trx, {
          actorUserId: by.userId,
          organisationId: by.organisationId,
          action: AuditAction.capacityTrackerFlagRaised,
          entityType: 'alert',
          entityId: outcome.alertId,
          after: { locationId: flag.locationId, caseId: outcome.caseId, importedFrom: by.importName },
          occurredAt: at,
        })
      }
      continue
    }
    const open = await trx
      .selectFrom('alerts')
      .select('id')
      .where('locationId', '=', flag.locationId)
      .where('alertKey', '=', capacityTrackerAlertKey)
      .where('status', '=', 'open')
      .executeTakeFirst()
    if (!open) continue
    const note = `The capacity tracker extract ${by.importName} shows ${flag.status}${flag.trackerUpdatedOn ? ` (updated ${flag.trackerUpdatedOn})` : ''}`
    if (await resolveAlert(trx, { alertId: open.id, note, actorUserId: by.userId, at })) {
      cleared++
      await recordAudit(trx, {
        actorUserId: by.userId,
        organisationId: by.organisationId,
        action: AuditAction.capacityTrackerFlagCleared,
        entityType: 'alert',
        entityId: open.id,
        before: { status: 'open' },
        after: { status: 'resolved', note },
        occurredAt: at,
      })
    }
  }
  return { raised, cleared }
}
