import type { Db } from '../../src/db/database.ts'
import { raiseAlert } from '../../src/modules/early-warning/alert-store.ts'

// An open alert at a location (and the case it opens), as a partner's intelligence raises one.
export async function createAlert(
  db: Db,
  alert: {
    locationId: string
    key: string
    severity: 'red' | 'amber'
    title: string
    message: string
    at: Date
  },
) {
  const raised = await raiseAlert(db, {
    locationId: alert.locationId,
    source: 'intelligence',
    alertKey: alert.key,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    evidence: {},
    at: alert.at,
  })
  return { alertId: raised.alertId, caseId: raised.caseId }
}
