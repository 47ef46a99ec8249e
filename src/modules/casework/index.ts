import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import type { ContactLogService } from '../contact-log/index.ts'
import { notifyNewRedAlerts } from './alert-notifications.ts'
import { caseworkRoutes } from './casework.routes.ts'
import { createCaseworkService } from './casework.service.ts'

export { applyCapacityTrackerFlags, type TrackerFlag } from './capacity-tracker-flags.ts'
export type { CaseworkService } from './casework.service.ts'

// One case per provider in trouble: its alerts, owner, actions and the worklist.
export const casework = defineCapability<{ contactLog: ContactLogService }>()({
  name: 'casework',
  services: ({ db, clock }) => ({ casework: createCaseworkService({ db, clock }) }),
  routes: async (app, { casework, contactLog }) => {
    await app.register(caseworkRoutes, {
      casework,
      followUpsDue: (actor) => contactLog.followUpsDue(actor),
      contactsForLocation: (actor, locationId) => contactLog.listForLocation(actor, locationId),
    })
  },
  jobs: ({ clock, config }) => [
    {
      // New red alerts to their owning team: one e-mail per recipient per run, however many fired.
      name: 'red-alert-notifications',
      lockKey: 7_010,
      intervalSeconds: 60,
      run: (db) => notifyNewRedAlerts(db, clock, config.baseUrl),
    },
  ],
  navigation: (actor) =>
    can(actor, 'cases:work') ? [{ href: paths.worklist(), text: 'Worklist', order: 20 }] : [],
})
