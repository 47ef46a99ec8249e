import { createApp } from './app.ts'
import { composeFromConfig } from './composition.ts'
import { type Config, loadConfig, shouldLoadDemo } from './config.ts'
import { migrateToLatest } from './db/migrate.ts'
import { demoPassword, demoUsers, isDatabaseEmpty, loadDemoCounty } from './db/seed/demo-county.ts'
import { trendDays } from './domain/dashboards/figures.ts'
import { londonDate } from './domain/dates.ts'
import { startScheduler } from './jobs/scheduler.ts'
import { notifyNewRedAlerts } from './modules/casework/alert-notifications.ts'
import { sendDueEmails } from './modules/comms/outbox-sender.ts'
import { ensureRollup } from './modules/dashboards/dashboard.queries.ts'
import { recomputeAll } from './modules/early-warning/risk-rules.service.ts'
import { sendReturnReminders } from './modules/returns/completeness.service.ts'

// Log lines carry the path with any secret link token masked, never query strings or bodies.
const loggerOptions = (config: Config) => ({
  level: config.logLevel,
  serializers: {
    req: (req: { method: string; url: string; id: string }) => ({
      method: req.method,
      path: req.url.split('?')[0]!.replace(/\/(reset-password|accept-invitation)\/[^/]+/, '/$1/[token]'),
      id: req.id,
    }),
  },
})

export async function serve(config: Config = loadConfig()) {
  const services = await composeFromConfig(config)
  const applied = await migrateToLatest(services.db)
  const app = await createApp(services, { logger: loggerOptions(config) })
  if (applied.length) app.log.info({ migrations: applied }, 'database migrated')

  let demoLoaded = false
  if (shouldLoadDemo(config) && (await isDatabaseEmpty(services.db))) {
    app.log.info('empty database: loading the demo county (first start only)')
    const summary = await loadDemoCounty(services.db, services.clock)
    app.log.info(summary, 'demo county loaded')
    demoLoaded = true
  }

  const scheduler = startScheduler(
    services.db,
    [
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
    ],
    app.log,
  )

  await app.listen({ host: config.host, port: config.port })
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`
  const lines = [
    ``,
    `CareHub is running at ${url}`,
    `Database: ${config.databaseUrl ? 'PostgreSQL' : `embedded (PGlite) in ${config.dataDir}`}`,
  ]
  if (shouldLoadDemo(config)) {
    lines.push(
      `${demoLoaded ? 'Demo county loaded.' : 'Demo county'} Sign in with any of these (password: ${demoPassword}):`,
    )
    for (const u of demoUsers) lines.push(`  ${u.role.padEnd(17)} ${u.email}`)
  }
  lines.push(`Press Ctrl+C to stop.`, ``)
  console.log(lines.join('\n'))

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await scheduler.stop()
    await services.db.destroy()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  return app
}
