import { defineCapability } from '../../capability.ts'
import { applyRetention } from './retention.ts'

export { retentionAuditActions } from './retention.audit-actions.ts'
export { applyRetention, type RetentionRemoval, type RetentionRule } from './retention.ts'

// Personal data kept no longer than its period (src/config.ts, RETENTION_*_DAYS): each capability that
// holds some contributes its rule (`personalDataRetention`); this one runs them hourly and audits it.
export const retention = defineCapability()({
  name: 'retention',
  services: ({ db, clock, config, contributions }) => {
    const rules = contributions.personalDataRetention ?? []
    return { retention: { apply: () => applyRetention(db, clock, config.retention, rules), rules } }
  },
  jobs: ({ clock, config, retention }) => [
    {
      name: 'personal-data-retention',
      lockKey: 7_030,
      intervalSeconds: 3600,
      run: (db) => applyRetention(db, clock, config.retention, retention.rules),
    },
  ],
})
