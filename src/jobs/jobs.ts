import type { Services } from '../composition.ts'
import type { Config } from '../config.ts'
import { trendDays } from '../domain/dashboards/figures.ts'
import { londonDate } from '../domain/dates.ts'
import { notifyNewRedAlerts } from '../modules/casework/alert-notifications.ts'
import { sendDueEmails } from '../modules/comms/outbox-sender.ts'
import { ensureRollup } from '../modules/dashboards/dashboard.queries.ts'
import { recomputeQueuedRisk } from '../modules/early-warning/risk-queue.ts'
import { recomputeAll } from '../modules/early-warning/risk-rules.service.ts'
import { sendReturnReminders } from '../modules/returns/completeness.service.ts'
import type { Job } from './scheduler.ts'

// The jobs every app instance schedules (each takes an advisory lock, so one instance runs it at a time).

// The locations whose returns came in through the API, their risk rules run in one batch a second.
export function riskQueueJob(services: Pick<Services, 'clock'>): Job {
  return {
    name: 'risk-queue',
    lockKey: 7_011,
    intervalSeconds: 1,
    run: (db) => recomputeQueuedRisk(db, services.clock),
  }
}

export function scheduledJobs(services: Services, config: Config): Job[] {
  return [
    {
      name: 'outbox',
      lockKey: 7_001,
      intervalSeconds: config.outboxIntervalSeconds,
      run: (db) => sendDueEmails(db, services.mailTransport, services.clock),
    },
    {
      name: 'return-reminders',
      lockKey: 7_002,
      intervalSeconds: 300,
      run: (db) => sendReturnReminders(db, services.clock, config.baseUrl),
    },
    {
      // Time-based risk rules (no return for 2 periods) and windows that move on (cases in 14 days):
      // every location's rules again, writing only what changed. Returns trigger their own recompute.
      name: 'risk-recompute',
      lockKey: 7_005,
      intervalSeconds: 900,
      run: (db) => recomputeAll(db, services.clock),
    },
    riskQueueJob(services),
    {
      // The dashboard's rollups for today's 12 trend days: built before the first visitor, and the
      // councils that saved returns since rebuilt, so a page view rarely has to.
      name: 'dashboard-rollup',
      lockKey: 7_006,
      intervalSeconds: 60,
      run: (db) => ensureRollup(db, trendDays(londonDate(services.clock.now()))),
    },
    {
      // New red alerts to their owning team: one e-mail per recipient per run, however many fired.
      name: 'red-alert-notifications',
      lockKey: 7_010,
      intervalSeconds: 60,
      run: (db) => notifyNewRedAlerts(db, services.clock, config.baseUrl),
    },
  ]
}
